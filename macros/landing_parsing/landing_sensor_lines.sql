{#
    Why: the sensor tables (accelerometer, step_trainer) open the same way:
    every line of the landing files this run reads (new_landing_files) with its
    file, time and text (landing_line_columns), kept as the row the guarded row
    cast read where it read every field (`row_doc`: landing_row_doc,
    landing_row_read), and parsed into the map (`doc`, landing_map_doc) where it
    did not; a line holding a field delimiter gets neither.
    Arguments: relation (the landing source), fields (list of (key, type), the
    key as written in JSON). Returns a select of source_file,
    source_file_modified_at, raw_line, has_field_delimiter, row_doc, doc.
#}
{% macro landing_sensor_lines(relation, fields) -%}
    {%- set row_read = landing_row_read('row_doc', fields) -%}
    select
        source_file,
        source_file_modified_at,
        raw_line,
        has_field_delimiter,
        case when {{ row_read }} then row_doc end as row_doc,
        {{ landing_map_doc('not has_field_delimiter and not ' ~ row_read) }} as doc
    from (
        select {{ landing_line_columns(row_fields=fields) }}
        from {{ relation }}
        where {{ new_landing_files() }}
    ) as row_lines
{%- endmacro %}

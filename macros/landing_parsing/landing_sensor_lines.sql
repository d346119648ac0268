{# Why: the sensor tables (accelerometer, step_trainer) open the same way. #}
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

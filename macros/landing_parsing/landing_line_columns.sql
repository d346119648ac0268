{#
    Why: every typed landing table starts the same way: the file a line came
    from, its modified time (UTC), the line, and the line parsed ONCE, strictly,
    into a map of its top-level fields (`doc`). A malformed line (truncated
    JSON, a bare value, an array, a blank line) gets a null doc, so none of its
    fields is read: json_extract_scalar on the raw text would read a truncated
    line's leading fields, and parsing per field would parse each line many times.
    A line holding a raw \001 byte (the external tables' field delimiter, see
    landing_table_ddl) is not parsed at all: `has_field_delimiter` is true, the
    typed tables reject it whole, and `raw_line` puts back the text after the
    byte (up to a second \001) for the quarantine.
    With `row_fields` (list of (key, type), the sensor tables) the line is read
    by the guarded row cast instead (`row_doc`, landing_row_doc) and there is no
    `doc` yet: landing_sensor_lines parses into the map only the lines the row
    cast did not read in full (landing_row_read, landing_map_doc).
    Use in a select list over a landing source.
#}
{% macro landing_line_columns(row_fields=none) -%}
    "$path" as source_file,
    {{ to_utc_timestamp('"$file_modified_time"') }} as source_file_modified_at,
    raw_line || coalesce(chr(1) || after_field_delimiter, '') as raw_line,
    after_field_delimiter is not null as has_field_delimiter,
    {% if row_fields -%}
    {{ landing_row_doc(row_fields) }} as row_doc
    {%- else -%}
    {{ landing_map_doc('after_field_delimiter is null') }} as doc
    {%- endif %}
{%- endmacro %}

{# Why: every typed landing table starts the same way, and parses each line once,
   strictly: a truncated line's leading fields must never be read. #}
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

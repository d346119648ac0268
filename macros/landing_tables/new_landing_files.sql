{# Why: a typed landing table is appended to file by file, parsing each file once. #}
{% macro new_landing_files() -%}
    {%- if flags.INTROSPECT is not false and is_incremental() -%}
        "$path" not in (select distinct parsed.source_file from {{ this }} as parsed)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

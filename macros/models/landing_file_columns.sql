{# Why: a typed line and the pre-hook that finds re-delivered files must name a file
   and its time the same way (Iceberg keeps UTC timestamp(6), without zone). #}
{% macro landing_file_columns() -%}
    "$path" as source_file,
    cast("$file_modified_time" at time zone 'UTC' as timestamp(6)) as source_file_modified_at
{%- endmacro %}

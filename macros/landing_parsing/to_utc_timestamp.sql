{# Why: file times arrive with a time zone; both engines' Iceberg tables store UTC
   timestamp(6) without zone. #}
{% macro to_utc_timestamp(column) -%}
    cast({{ column }} at time zone 'UTC' as timestamp(6))
{%- endmacro %}

{#
    Why: file times arrive as timestamp with time zone; tables store UTC
    timestamp(6) without zone, which both Trino's and Athena's Iceberg accept.
    Argument: column (a timestamp with time zone).
#}
{% macro to_utc_timestamp(column) -%}
    cast({{ column }} at time zone 'UTC' as timestamp(6))
{%- endmacro %}

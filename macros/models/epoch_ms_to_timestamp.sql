{# Why: landing times are epoch milliseconds; models expose UTC timestamps, exactly
   (no floating point), with functions both Trino and Athena v3 have. #}
{% macro epoch_ms_to_timestamp(column) -%}
    cast(
        date_add('millisecond', {{ column }} % 1000, from_unixtime({{ column }} / 1000))
        at time zone 'UTC' as timestamp(6)
    )
{%- endmacro %}

{#
    Why: landing times are epoch milliseconds; models expose UTC timestamps
    without time zone. Integer seconds plus the millisecond remainder keep it
    exact (no floating point), with functions both Trino and Athena v3 have.
    Argument: column (bigint epoch milliseconds).
#}
{% macro epoch_ms_to_timestamp(column) -%}
    cast(
        date_add('millisecond', {{ column }} % 1000, from_unixtime({{ column }} / 1000))
        at time zone 'UTC' as timestamp(6)
    )
{%- endmacro %}

{#
    Why: numeric landing fields are read the same way everywhere: the value at
    `$.<key>` cast to `type`, null when missing or not a number.
    Arguments: column (the raw line), key (a top-level JSON key), type (SQL type).
#}
{% macro json_number(column, key, type='bigint') -%}
    try_cast(json_extract_scalar({{ column }}, '$.{{ key }}') as {{ type }})
{%- endmacro %}

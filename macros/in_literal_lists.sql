{#
    Why: a predicate on a constant list reaches the table scan (file skipping),
    where a subquery would not; long lists are split into IN lists of 1,000
    values OR'ed together, a plain predicate on both engines.
    Arguments: column (SQL expression); values (strings, or none for "every
    value": then the predicate is `column is not null`).
#}
{% macro in_literal_lists(column, values) -%}
    {%- if values is none -%}
        {{ column }} is not null
    {%- else -%}
        ({%- for chunk in values | batch(1000) -%}
            {{ ' or ' if not loop.first }}{{ column }} in ('{{ chunk | map('replace', "'", "''") | join("', '") }}')
        {%- endfor -%})
    {%- endif -%}
{%- endmacro %}

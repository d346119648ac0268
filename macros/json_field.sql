{#
    Why: landing fields are read the same way everywhere: the top-level value
    `key` of a parsed line, cast to `type`; null when missing, JSON null, or
    not castable (a word where a number belongs, a nested object).
    Arguments: doc (map(varchar, json) from landing_line_columns), key, type.
#}
{% macro json_field(doc, key, type='varchar') -%}
    try_cast(element_at({{ doc }}, '{{ key }}') as {{ type }})
{%- endmacro %}

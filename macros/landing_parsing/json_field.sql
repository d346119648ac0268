{#
    Why: landing fields are read the same way everywhere: the top-level value
    `key` of a parsed line, cast to `type`; null when missing, JSON null, or
    not castable (a word where a number belongs, a nested object). With `row`
    (a sensor table's row_doc, landing_row_doc), the field of a line the row
    cast read, which is that same value; `doc` is null for those lines, and
    `row` is null for the others.
    Arguments: doc (map(varchar, json) from landing_map_doc), key, type,
    row (optional: the row_doc column).
#}
{% macro json_field(doc, key, type='varchar', row=none) -%}
    {%- if row -%}
        coalesce({{ row }}.{{ key | lower }}, try_cast(element_at({{ doc }}, '{{ key }}') as {{ type }}))
    {%- else -%}
        try_cast(element_at({{ doc }}, '{{ key }}') as {{ type }})
    {%- endif -%}
{%- endmacro %}

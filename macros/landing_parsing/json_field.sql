{# Why: landing fields are read the same way everywhere. #}
{% macro json_field(doc, key, type='varchar', row=none) -%}
    {%- if row -%}
        coalesce({{ row }}.{{ key | lower }}, try_cast(element_at({{ doc }}, '{{ key }}') as {{ type }}))
    {%- else -%}
        try_cast(element_at({{ doc }}, '{{ key }}') as {{ type }})
    {%- endif -%}
{%- endmacro %}

{# Why: deny on doubt: the row cast is trusted only for a line it read in full. #}
{% macro landing_row_read(row, fields) -%}
    (
        {%- for key, type in fields %}{{ row }}.{{ key | lower }} is not null
        {%- if not loop.last %} and {% endif %}{% endfor -%}
    )
{%- endmacro %}

{#
    Why: the row cast (landing_row_doc) is trusted for a line only when it read
    every field: a null field means the key is missing, JSON null, or (on an
    engine that matches JSON keys to row fields by exact case) not matched at
    all, and the map path decides those lines. Deny on doubt: a line the row
    cast did not fully read goes through the map path.
    Arguments: row (the row_doc column), fields (the (key, type) list given to
    landing_row_doc). A boolean, never null.
#}
{% macro landing_row_read(row, fields) -%}
    (
        {%- for key, type in fields %}{{ row }}.{{ key | lower }} is not null
        {%- if not loop.last %} and {% endif %}{% endfor -%}
    )
{%- endmacro %}

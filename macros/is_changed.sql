{#
    Why: the "recompute" step of the incremental pattern (docs/incremental.md):
    a model's SQL is the full build's, with this filter where the unit of
    change is known, so an incremental run computes only the changed keys'
    rows. True on a full build.
    Arguments: column (the unit's column in the model's SQL), unit
    ('customer_id' or 'serial_number', see changed_keys).
#}
{% macro is_changed(column, unit) -%}
    {#- rendered even when unused, so that dbt records the refs it reads -#}
    {%- set keys = changed_keys(unit) -%}
    {%- if is_incremental() -%}
        {{ column }} in ({{ keys }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

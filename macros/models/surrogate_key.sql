{# Why: a composite grain as one column a unique/not_null test can state. `||` rather
   than concat_ws: Athena engine v2's Presto lacks concat_ws (same keys). #}
{% macro surrogate_key(columns) -%}
    to_hex(md5(to_utf8(
    {%- for column in columns -%}
        {{ " || '|' || " if not loop.first }}coalesce(cast({{ column }} as varchar), '<null>')
    {%- endfor -%}
    )))
{%- endmacro %}

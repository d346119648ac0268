{#
    Why: composite keys become one hashed column so that `unique`/`not_null`
    tests can state the grain. Nulls are spelled out so (a, null) != (null, a).
    Argument: columns (a list of SQL expressions).
#}
{% macro surrogate_key(columns) -%}
    to_hex(md5(to_utf8(concat_ws('|'
    {%- for column in columns -%}
        , coalesce(cast({{ column }} as varchar), '<null>')
    {%- endfor -%}
    ))))
{%- endmacro %}

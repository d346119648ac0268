{#
    Why: composite keys become one hashed column so that `unique`/`not_null`
    tests can state the grain. Nulls are spelled out so (a, null) != (null, a).
    The parts are joined with `||` and '|' (the same string concat_ws('|', ...)
    gives, so the keys did not change): `||` is in every engine version,
    including Athena's, while concat_ws is not in Athena engine v2's Presto.
    Argument: columns (a list of SQL expressions).
#}
{% macro surrogate_key(columns) -%}
    to_hex(md5(to_utf8(
    {%- for column in columns -%}
        {{ " || '|' || " if not loop.first }}coalesce(cast({{ column }} as varchar), '<null>')
    {%- endfor -%}
    )))
{%- endmacro %}

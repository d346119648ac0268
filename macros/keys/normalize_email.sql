{#
    Why: customers are identified by email compared trimmed and
    case-insensitively; every model normalises it the same way.
    Argument: column (a varchar email).
#}
{% macro normalize_email(column) -%}
    lower(trim({{ column }}))
{%- endmacro %}

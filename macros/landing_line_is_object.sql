{#
    Why: a landing line is usable only if it parses as a JSON object; anything
    else (truncated JSON, a bare value, an array, a blank line) is rejected.
    Argument: column (the raw line, varchar).
#}
{% macro landing_line_is_object(column) -%}
    (try(cast(json_parse({{ column }}) as map(varchar, json))) is not null)
{%- endmacro %}

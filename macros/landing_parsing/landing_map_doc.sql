{#
    Why: the map path, written once: a landing line parsed strictly into a map
    of its top-level fields (json_field reads them), null when the line is not
    a JSON object (truncated, a bare value, an array, a blank line) or holds a
    key twice. Only lines meeting `condition` are parsed (the others get null).
    Arguments: condition (SQL boolean over the line's columns; `raw_line` is
    the line).
#}
{% macro landing_map_doc(condition) -%}
    case
        when {{ condition }}
            then try(cast(json_parse(raw_line) as map(varchar, json)))
    end
{%- endmacro %}

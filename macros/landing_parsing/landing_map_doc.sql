{# Why: the map path, written once. #}
{% macro landing_map_doc(condition) -%}
    case
        when {{ condition }}
            then try(cast(json_parse(raw_line) as map(varchar, json)))
    end
{%- endmacro %}

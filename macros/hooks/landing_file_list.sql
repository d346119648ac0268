{# Why: a constant list of landing files is what Trino prunes text files on
   ("$path" in (...)); an empty list matches nothing. #}
{% macro landing_file_list(column, files) -%}
    {%- if files | length == 0 -%}
        false
    {%- else -%}
        {{ column }} in ({% for f in files %}'{{ f | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{# Why: a constant list of landing files is what Trino prunes text files on
   ("$path" in (...)); the list is an environment variable, so a new one each day
   re-parses only the files that read it (dbt's partial parsing), never the project. #}
{% macro landing_file_list(column, typed_model, part='read') -%}
    {%- set delta = fromjson(env_var('STEDI_LANDING_DELTA', 'null')) -%}
    {%- if delta is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set files = delta.get(typed_model, {}).get(part, []) -%}
    {%- if files | length == 0 -%}
        {{ return('false') }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for f in files -%}
        {%- do quoted.append("'" ~ f | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {{ return(column ~ ' in (' ~ quoted | join(', ') ~ ')') }}
{%- endmacro %}

{#
    Why: zones are schemas named `<target schema>_<zone>` (stedi_landing,
    stedi_trusted, stedi_curated) on every target, so Glue databases and Trino
    schemas line up. This is dbt's default rule, written out so that it is
    documented and stable.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

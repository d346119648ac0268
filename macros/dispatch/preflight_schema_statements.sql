{# Why: Athena keeps external and Iceberg tables in one Glue database (Hive DDL),
   Trino in two catalogs, so the scratch schema's DDL differs by engine. #}
{% macro trino__preflight_schema_statements(landing, tables, create) -%}
    {%- if create -%}
        {{ return(['create schema if not exists ' ~ landing.without_identifier(),
                   'create schema if not exists ' ~ tables[0].without_identifier()]) }}
    {%- endif -%}
    {%- set drops = ['drop table if exists ' ~ landing] -%}
    {%- for table in tables -%}
        {%- do drops.append('drop table if exists ' ~ table) -%}
    {%- endfor -%}
    {{ return(drops + ['drop schema if exists ' ~ landing.without_identifier(),
                       'drop schema if exists ' ~ tables[0].without_identifier()]) }}
{%- endmacro %}

{% macro athena__preflight_schema_statements(landing, tables, create) -%}
    {%- if create -%}
        {{ return(['create database if not exists `' ~ landing.schema ~ '`']) }}
    {%- endif -%}
    {%- set drops = [] -%}
    {%- for table in [landing] + tables -%}
        {%- do drops.append('drop table if exists `' ~ table.schema ~ '`.`' ~ table.identifier ~ '`') -%}
    {%- endfor -%}
    {{ return(drops) }}
{%- endmacro %}

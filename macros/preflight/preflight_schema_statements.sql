{#
    Why: the pre-flight's scratch tables are created in, and dropped from, a
    scratch database with each engine's own DDL: Athena's is Hive DDL
    (backticks, no catalog; one Glue database holds external and Iceberg
    tables), Trino keeps external tables in its hive catalog and Iceberg tables
    in its iceberg catalog.
    Athena keeps its scratch database (one, `stedi_preflight`, reused): DROP
    DATABASE needs glue:DeleteDatabase (fine-grained-access-to-glue-resources.html),
    which the dbt role is not granted (docs/athena.md, Permissions), so the
    pre-flight drops only its tables (glue:DeleteTable). On Trino the per-run
    schemas are dropped as well.
    Arguments: landing (the scratch external table), tables (the scratch
    Iceberg tables, in one schema), create (true: create statements; false: drops).
#}
{% macro preflight_schema_statements(landing, tables, create) -%}
    {{ return(adapter.dispatch('preflight_schema_statements', 'stedi')(landing, tables, create)) }}
{%- endmacro %}

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

{#- Athena: CREATE DATABASE / DROP TABLE are Hive DDL (create-database.html,
    drop-table.html). -#}
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

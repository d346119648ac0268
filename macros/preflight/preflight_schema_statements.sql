{#
    Why: the pre-flight's scratch database is created and dropped with each
    engine's own DDL: Athena's is Hive DDL (backticks, no catalog; one Glue
    database holds external and Iceberg tables), Trino keeps external tables in
    its hive catalog and Iceberg tables in its iceberg catalog.
    Arguments: landing (the scratch external table), typed (a scratch Iceberg
    table in the same schema), create (true: create statements; false: drops).
#}
{% macro preflight_schema_statements(landing, typed, create) -%}
    {{ return(adapter.dispatch('preflight_schema_statements', 'stedi')(landing, typed, create)) }}
{%- endmacro %}

{% macro trino__preflight_schema_statements(landing, typed, create) -%}
    {%- if create -%}
        {{ return(['create schema if not exists ' ~ landing.without_identifier(),
                   'create schema if not exists ' ~ typed.without_identifier()]) }}
    {%- endif -%}
    {{ return(['drop table if exists ' ~ landing,
               'drop table if exists ' ~ typed,
               'drop table if exists ' ~ typed.incorporate(path={'identifier': 'preflight_consenting'}),
               'drop schema if exists ' ~ landing.without_identifier(),
               'drop schema if exists ' ~ typed.without_identifier()]) }}
{%- endmacro %}

{#- Athena: CREATE DATABASE / DROP TABLE / DROP DATABASE are Hive DDL
    (create-database.html, drop-table.html, drop-database.html). -#}
{% macro athena__preflight_schema_statements(landing, typed, create) -%}
    {%- if create -%}
        {{ return(['create database if not exists `' ~ landing.schema ~ '`']) }}
    {%- endif -%}
    {{ return(['drop table if exists `' ~ landing.schema ~ '`.`' ~ landing.identifier ~ '`',
               'drop table if exists `' ~ typed.schema ~ '`.`' ~ typed.identifier ~ '`',
               'drop table if exists `' ~ typed.schema ~ '`.`preflight_consenting`',
               'drop schema if exists `' ~ landing.schema ~ '`']) }}
{%- endmacro %}

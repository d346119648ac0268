{# Why: Athena keeps external and Iceberg tables in one Glue database (Hive DDL),
   Trino in two catalogs; and the scratch Iceberg tables must be created the way
   each engine's dbt adapter creates the models, or the pre-flight proves nothing. #}
{% macro trino__preflight_scratch_ddl(landing, tables) -%}
    {%- set schemas = [landing.without_identifier(), tables[0].relation.without_identifier()] -%}
    {%- set ddl = {'create': [], 'ctas': [], 'drop': ['drop table if exists ' ~ landing]} -%}
    {%- for schema in schemas -%}
        {%- do ddl['create'].append('create schema if not exists ' ~ schema) -%}
    {%- endfor -%}
    {%- for table in tables -%}
        {%- do ddl['ctas'].append('create table ' ~ table.relation
            ~ " with (format = 'PARQUET') as " ~ table.sql) -%}
        {%- do ddl['drop'].append('drop table if exists ' ~ table.relation) -%}
    {%- endfor -%}
    {%- for schema in schemas -%}
        {%- do ddl['drop'].append('drop schema if exists ' ~ schema) -%}
    {%- endfor -%}
    {{ return(ddl) }}
{%- endmacro %}

{% macro athena__preflight_scratch_ddl(landing, tables) -%}
    {%- set ddl = {'create': ['create database if not exists `' ~ landing.schema ~ '`'],
                   'ctas': [], 'drop': []} -%}
    {%- for table in tables -%}
        {%- do ddl['ctas'].append('create table ' ~ table.relation
            ~ "\n    with (table_type = 'iceberg', is_external = false, location = '"
            ~ table.location ~ "',\n          format = 'parquet')\n    as " ~ table.sql) -%}
    {%- endfor -%}
    {%- for relation in [landing] + tables | map(attribute='relation') | list -%}
        {%- do ddl['drop'].append('drop table if exists `' ~ relation.schema ~ '`.`'
            ~ relation.identifier ~ '`') -%}
    {%- endfor -%}
    {{ return(ddl) }}
{%- endmacro %}

{#
    Why: the DDL for an external table of raw lines differs by engine. Both
    read the files as text with the default \001 field delimiter, which valid
    JSON never contains, so each line lands whole in `raw_line`.
    Arguments: relation (the table), location (an s3:// prefix ending in /).
#}
{% macro landing_table_ddl(relation, location) -%}
    {{ return(adapter.dispatch('landing_table_ddl', 'stedi')(relation, location)) }}
{%- endmacro %}

{% macro trino__landing_table_ddl(relation, location) -%}
    create table if not exists {{ relation }} (
        raw_line varchar
    )
    with (
        external_location = '{{ location }}',
        format = 'TEXTFILE'
    )
{%- endmacro %}

{% macro athena__landing_table_ddl(relation, location) -%}
    create external table if not exists `{{ relation.schema }}`.`{{ relation.identifier }}` (
        `raw_line` string
    )
    row format delimited
    stored as textfile
    location '{{ location }}'
{%- endmacro %}

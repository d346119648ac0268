{# Why: each engine declares a text table of raw lines in its own DDL; both must
   split lines and fields the same way (docs/athena-evidence.md, How a landing line is read). #}
{% macro trino__landing_table_ddl(relation, location) -%}
    create table if not exists {{ relation }} (
        raw_line varchar,
        after_field_delimiter varchar
    )
    with (
        external_location = '{{ location }}',
        format = 'TEXTFILE',
        null_format = U&'\000A'
    )
{%- endmacro %}

{% macro athena__landing_table_ddl(relation, location) -%}
    create external table if not exists `{{ relation.schema }}`.`{{ relation.identifier }}` (
        `raw_line` string,
        `after_field_delimiter` string
    )
    row format delimited
    null defined as '\n'
    stored as textfile
    location '{{ location }}'
{%- endmacro %}

{#
    Why: the DDL for an external table of raw lines differs by engine. Both
    read the files as text, split into lines at \n, \r\n or a lone \r (Hadoop's
    LineReader, and Trino's reader alike), and split each line into fields at
    the default \001 byte. Valid JSON never contains a raw \001, but a landing
    line can: its text before the first \001 lands in `raw_line`, the text
    after it (up to a second \001) in `after_field_delimiter`, which is null
    only for a line without the byte, so the typed tables reject such a line
    whole instead of reading its first part. The null marker is set to a
    newline, which no line can contain: a line that is exactly `\N` (the
    default marker) stays the text `\N` instead of turning null.
    Arguments: relation (the table), location (an s3:// prefix ending in /).
#}
{% macro landing_table_ddl(relation, location) -%}
    {{ return(adapter.dispatch('landing_table_ddl', 'stedi')(relation, location)) }}
{%- endmacro %}

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

{# Athena: ROW FORMAT DELIMITED is the LazySimpleSerDe; NULL DEFINED AS is its
   serialization.null.format (docs.aws.amazon.com/athena/latest/ug/create-table.html,
   row_format; lazy-simple-serde.html). #}
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

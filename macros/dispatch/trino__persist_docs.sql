{# Why: dbt-trino sends every COMMENT after every build, and on Iceberg each is a
   commit (a new metadata file); Athena needs no override (one Glue update). #}
{% macro trino__persist_docs(relation, model, for_relation, for_columns) -%}
    {%- if for_relation and config.persist_relation_docs() and model.description %}
        {%- if config.get('materialized') == 'incremental' and not is_incremental() %}
            {#- just made by CREATE TABLE AS, whose COMMENT clause set it #}
            {%- set held = model.description %}
        {%- elif config.get('materialized') == 'view' %}
            {#- CREATE OR REPLACE VIEW sets no comment #}
            {%- set held = none %}
        {%- else %}
        {%- set current = run_query(
            "select comment from system.metadata.table_comments"
            ~ " where catalog_name = '" ~ relation.database | lower ~ "'"
            ~ " and schema_name = '" ~ relation.schema | lower ~ "'"
            ~ " and table_name = '" ~ relation.identifier | lower ~ "'") %}
        {%- set held = current.columns[0].values()[0] if current.rows | length > 0 else none %}
        {%- endif %}
        {%- if held != model.description %}
            {%- do run_query(alter_relation_comment(relation, model.description)) %}
        {%- endif %}
    {%- endif %}
    {%- if for_columns and config.persist_column_docs() and model.columns %}
        {%- set held = {} %}
        {%- for row in run_query('show columns from ' ~ relation) %}
            {%- do held.update({row[0] | lower: row[3] or ''}) %}
        {%- endfor %}
        {%- set changed = {} %}
        {%- for name, column in model.columns.items() %}
            {%- if name | lower in held and held[name | lower] != column.description %}
                {%- do changed.update({name | lower: column}) %}
            {%- endif %}
        {%- endfor %}
        {%- if changed %}
            {%- do run_query(alter_column_comment(relation, changed)) %}
        {%- endif %}
    {%- endif %}
{%- endmacro %}

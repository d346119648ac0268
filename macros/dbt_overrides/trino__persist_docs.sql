{#
    Why: dbt-trino's persist_docs sends one COMMENT statement per documented
    column after every build of a model, incremental runs included, and on
    Iceberg each COMMENT is a commit (a new metadata file on S3). This
    override of dbt-trino's own macro (same name, found first in the root
    project) reads the comments the relation already has (SHOW COLUMNS, and
    the table comment from system.metadata.table_comments) and sends only
    those that differ. Athena needs no override: dbt-athena writes all
    comments in one Glue update, and only when something changed.
    Arguments: dbt's (relation, model, for_relation, for_columns).
#}
{% macro trino__persist_docs(relation, model, for_relation, for_columns) -%}
    {%- if for_relation and config.persist_relation_docs() and model.description %}
        {%- set current = run_query(
            "select comment from system.metadata.table_comments"
            ~ " where catalog_name = '" ~ relation.database | lower ~ "'"
            ~ " and schema_name = '" ~ relation.schema | lower ~ "'"
            ~ " and table_name = '" ~ relation.identifier | lower ~ "'") %}
        {%- set held = current.columns[0].values()[0] if current.rows | length > 0 else none %}
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

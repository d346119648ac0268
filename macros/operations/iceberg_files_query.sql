{# Why: the purge check reads a table's files the same way before and after. #}
{% macro iceberg_files_query(relation) -%}
    select file_path, content from {{ iceberg_metadata_table(relation, 'files') }}
{%- endmacro %}

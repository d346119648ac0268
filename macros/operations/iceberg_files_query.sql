{# Why: the purge captures a table's files before and the check reads them after;
   the two must be the same query for the check to compare them. #}
{% macro iceberg_files_query(relation) -%}
    select file_path, content from {{ iceberg_metadata_table(relation, 'files') }}
{%- endmacro %}

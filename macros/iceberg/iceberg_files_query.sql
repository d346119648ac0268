{#
    Why: the purge check compares the files an Iceberg table references before
    and after the purge; both read them the same way, from "<table>$files"
    (content: 0 data file, 1 position deletes, 2 equality deletes).
    Argument: relation (an Iceberg table).
#}
{% macro iceberg_files_query(relation) -%}
    select file_path, content from {{ iceberg_metadata_table(relation, 'files') }}
{%- endmacro %}

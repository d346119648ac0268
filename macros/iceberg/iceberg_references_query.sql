{#
    Why: the purge check (iceberg_file_references) needs, per table, every
    file its current state references: data and delete files, manifests,
    manifest lists (one column).
    Argument: relation (an Iceberg table).
#}
{% macro iceberg_references_query(relation) -%}
    select file_path from {{ iceberg_metadata_table(relation, 'files') }}
    union all
    select path from {{ iceberg_metadata_table(relation, 'manifests') }}
    union all
    select manifest_list from {{ iceberg_metadata_table(relation, 'snapshots') }}
{%- endmacro %}

{#
    Why: the purge check must prove the files are gone, not only that the
    metadata no longer names them (AWS: VACUUM without s3:DeleteObject
    succeeds and deletes nothing). SQL cannot list S3, so the check has two
    halves: this run-operation reads, on the target's engine (Trino, or
    Athena through dbt-athena), every file each table's current state
    references, from its own metadata tables ("<table>$files": data and
    delete files; "$manifests"; "$snapshots": manifest lists; Athena:
    querying-iceberg-table-metadata.html), and prints them as one JSON object;
    `stedi` then lists each table's S3 location with the S3 client of the
    same target and fails on any file the table does not reference
    (src/stedi/privacy/purge.py, check_files).
        dbt --quiet run-operation iceberg_file_references --args '{zones: [trusted, curated]}'
    Argument: zones (the purged zones; default trusted and curated).
#}
{% macro iceberg_file_references(zones=none) %}
    {%- set found = {} -%}
    {%- for relation in purgeable_relations(zones or ['trusted', 'curated']) -%}
        {%- set result = run_query(iceberg_references_query(relation)) -%}
        {%- do found.update({relation.schema ~ '.' ~ relation.identifier:
                             result.columns[0].values() | list}) -%}
    {%- endfor -%}
    {{ print(tojson(found)) }}
{% endmacro %}

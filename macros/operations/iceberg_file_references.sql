{# Why: the purge check must prove the files are gone, not only that the metadata no
   longer names them (VACUUM without s3:DeleteObject succeeds and deletes nothing);
   SQL cannot list S3, so stedi compares this list with the bucket (purge.check_files). #}
{% macro iceberg_file_references(zones=none) %}
    {%- set found = {} -%}
    {%- for relation in purgeable_relations(zones or ['trusted', 'curated']) -%}
        {%- set result = run_query(
            'select file_path from ' ~ iceberg_metadata_table(relation, 'files')
            ~ ' union all select path from ' ~ iceberg_metadata_table(relation, 'manifests')
            ~ ' union all select manifest_list from '
            ~ iceberg_metadata_table(relation, 'snapshots')) -%}
        {%- do found.update({relation.schema ~ '.' ~ relation.identifier:
                             result.columns[0].values() | list}) -%}
    {%- endfor -%}
    {{ print(tojson(found)) }}
{% endmacro %}

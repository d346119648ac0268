{# Why: making an Iceberg table's deletions physical takes different statements
   on each engine; one list per table lets purge and erasure share them. #}
{% macro trino__iceberg_purge_statements(relation) -%}
    {{ return([
        {'sql': 'alter table ' ~ relation ~ ' execute optimize', 'more_runs': none},
        {'sql': 'alter table ' ~ relation ~ ' execute optimize_manifests', 'more_runs': none},
        {'sql': "alter table " ~ relation
            ~ " execute expire_snapshots(retention_threshold => '0s')", 'more_runs': none},
        {'sql': "alter table " ~ relation
            ~ " execute remove_orphan_files(retention_threshold => '"
            ~ var('orphan_file_min_age', '1h') ~ "')", 'more_runs': none},
    ]) }}
{%- endmacro %}

{% macro athena__iceberg_purge_statements(relation) -%}
    {%- set bare = relation.schema ~ '.' ~ relation.identifier -%}
    {{ return([
        {'sql': "alter table " ~ relation.render_hive() ~ " set tblproperties ("
            ~ "'optimize_rewrite_data_file_threshold'='1', "
            ~ "'optimize_rewrite_delete_file_threshold'='1', "
            ~ "'vacuum_min_snapshots_to_keep'='1', "
            ~ "'vacuum_max_snapshot_age_seconds'='1', "
            ~ "'vacuum_max_metadata_files_to_keep'='1')", 'more_runs': none},
        {'sql': 'optimize ' ~ bare ~ ' rewrite data using bin_pack', 'more_runs': 'optimize'},
        {'sql': 'vacuum ' ~ relation.schema ~ '.`' ~ relation.identifier ~ '`',
         'more_runs': 'vacuum'},
    ]) }}
{%- endmacro %}

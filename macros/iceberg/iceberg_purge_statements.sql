{#
    Why: the statements that make an Iceberg table's deletions physical differ
    by engine. Returns, for one table, a list of statements, each a dict:
    sql, and more_runs (the Athena operation, 'optimize' or 'vacuum', that may
    answer ICEBERG_<OP>_MORE_RUNS_NEEDED and must then run again; else none).
    Trino: optimize_manifests after optimize, because the manifest of the
    compaction still lists each replaced file as a DELETED entry with its column
    bounds (the first 16 characters of an email or customer_id); rewriting the
    manifests keeps live entries only, and the expiry then removes the old
    manifests (integration_tests/test_forget.py reads them).
    Argument: relation (an Iceberg table).
#}
{% macro iceberg_purge_statements(relation) -%}
    {{ return(adapter.dispatch('iceberg_purge_statements', 'stedi')(relation)) }}
{%- endmacro %}

{#- Trino: https://trino.io/docs/current/connector/iceberg.html (ALTER TABLE
    EXECUTE optimize / expire_snapshots / remove_orphan_files). Snapshots
    expire at once (the local catalog allows 0s): a running write's files are
    in no snapshot yet, so expiry cannot touch them. Orphan files, though,
    must be older than the longest write (var orphan_file_min_age, default
    1h; the catalog refuses less, iceberg.remove-orphan-files.min-retention):
    a running build's files are orphans until it commits, and Iceberg warns
    that removing them corrupts the table
    (https://iceberg.apache.org/docs/latest/maintenance/#delete-orphan-files).
    stedi's lock (src/stedi/lock.py) keeps builds and purges apart besides. -#}
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

{#- Athena (every form from the AWS docs, see docs/athena.md):
    1. ALTER TABLE ... SET TBLPROPERTIES is Hive DDL: backticks, `db`.`table`,
       no catalog (querying-iceberg-alter-table-set-properties.html; dbt-athena
       renders its own ALTERs with relation.render_hive()). It makes OPTIMIZE
       rewrite every file that qualifies, however few
       (optimize_rewrite_data_file_threshold default 5 files and
       optimize_rewrite_delete_file_threshold default 2 would leave a small
       table's files, withdrawn rows included, in place), and makes VACUUM
       expire every snapshot but the current one: vacuum_max_snapshot_age_seconds
       takes any positive number of seconds (default 432000; no minimum is
       documented), vacuum_min_snapshots_to_keep default 1; and it keeps one
       old metadata file instead of vacuum_max_metadata_files_to_keep's
       default 100 (an old metadata file lists the expired snapshots; no
       value below 1 is documented) (querying-iceberg-creating-tables.html,
       table properties; vacuum-statement.html).
    2. OPTIMIZE [db_name.]table_name REWRITE DATA USING BIN_PACK
       (optimize-statement.html), and
    3. VACUUM [database_name.]target_table, the table name in backticks and the
       database name bare, as the VACUUM page shows (double quotes do not work
       there) (vacuum-statement.html).
    Both may need several runs on a big table (ICEBERG_OPTIMIZE_MORE_RUNS_NEEDED,
    ICEBERG_VACUUM_MORE_RUNS_NEEDED): dbt-athena's
    adapter.run_operation_with_potential_multiple_runs repeats them. -#}
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

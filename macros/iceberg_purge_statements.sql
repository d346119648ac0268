{#
    Why: the statements that make an Iceberg table's deletions physical differ
    by engine. Returns a list of SQL statements for one table.
    Argument: relation (an Iceberg table).
#}
{% macro iceberg_purge_statements(relation) -%}
    {{ return(adapter.dispatch('iceberg_purge_statements', 'stedi')(relation)) }}
{%- endmacro %}

{% macro trino__iceberg_purge_statements(relation) -%}
    {{ return([
        'alter table ' ~ relation ~ ' execute optimize',
        "alter table " ~ relation ~ " execute expire_snapshots(retention_threshold => '0s')",
        "alter table " ~ relation ~ " execute remove_orphan_files(retention_threshold => '0s')",
    ]) }}
{%- endmacro %}

{% macro athena__iceberg_purge_statements(relation) -%}
    {# Athena: VACUUM expires snapshots older than vacuum_max_snapshot_age_seconds
       and removes orphan files; set the age to its minimum first. #}
    {{ return([
        'optimize ' ~ relation ~ ' rewrite data using bin_pack',
        "alter table " ~ relation ~ " set tblproperties ('vacuum_max_snapshot_age_seconds'='60')",
        'vacuum ' ~ relation,
    ]) }}
{%- endmacro %}

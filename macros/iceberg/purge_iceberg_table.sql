{#
    Why: one table's purge, shared by `stedi purge` (purge_iceberg_history,
    every trusted/curated table) and `stedi forget` (forget_customer, every
    table it deleted from): run the table's iceberg_purge_statements (repeating
    an Athena OPTIMIZE/VACUUM that asks for more runs), then check from the
    table's own metadata that no older snapshot, delete file or earlier file
    is left (assert_iceberg_purged). Prints the statements; runs them only with
    dry_run=false.
    Arguments: relation (an Iceberg table), dry_run (bool).
#}
{% macro purge_iceberg_table(relation, dry_run=true) %}
    {% set before = none if dry_run else run_query(iceberg_files_query(relation)) %}
    {% for statement in iceberg_purge_statements(relation) %}
        {% do log(('dry run: ' if dry_run else 'run: ') ~ statement.sql, info=true) %}
        {% if not dry_run and statement.more_runs %}
            {% do adapter.run_operation_with_potential_multiple_runs(
                statement.sql, statement.more_runs) %}
        {% elif not dry_run %}
            {% do run_query(statement.sql) %}
        {% endif %}
    {% endfor %}
    {% if not dry_run %}{% do assert_iceberg_purged(relation, before) %}{% endif %}
{% endmacro %}

{#
    Why: DELETE and CREATE OR REPLACE on Iceberg are logical; removed rows stay
    in older snapshots and files. After consent is withdrawn, this makes the
    removal physical on every trusted/curated table: compact (rewrites files
    that carry deletes), expire all older snapshots, remove orphan files; then
    checks from the table's own metadata that it worked (assert_iceberg_purged)
    and fails naming the table if not. Prints the statements; runs them only
    with dry_run=false.
        dbt run-operation purge_iceberg_history --args '{dry_run: false}'
    Argument: dry_run (bool, default true: print only).
#}
{% macro purge_iceberg_history(dry_run=true) %}
    {% for relation in purgeable_relations() %}
        {% do purge_iceberg_table(relation, dry_run) %}
    {% endfor %}
{% endmacro %}

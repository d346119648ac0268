{#
    Why: erasure on request (`stedi forget`, which records the request and
    rewrites the landing files first). Deletes one customer's rows from every
    table dbt builds from landing data (typed landing, trusted, curated), then
    makes the deletes physical with the purge of `stedi purge`
    (purge_iceberg_table: compaction, snapshot expiry, orphan files, then the
    check that no older snapshot or file is left), so no older snapshot or
    file still holds them. Views (audit) follow.
    Which tables and which rows: forget_customer_predicates (the one home of
    erasure's predicate; `stedi forget`'s dry run counts the rows with it too).
    Statements: DELETE FROM [db_name.]table_name WHERE predicate, the form AWS
    documents (docs.aws.amazon.com/athena/latest/ug/delete-statement.html:
    any predicate; its examples compare columns with literals). The Step
    Trainer table's predicate is `<reading id> IN (<uncorrelated subquery>)`
    over the registry and step_trainer_trusted, never over the table deleted
    from: the form the typed landing tables' pre-hook already sends
    (delete_redelivered_landing_lines; docs/athena.md, rule 3). AWS documents
    deleting the rows a query matches in one more form, MERGE INTO t USING
    (query) s ON ... WHEN MATCHED THEN DELETE
    (docs.aws.amazon.com/athena/latest/ug/merge-into-statement.html and its
    example in querying-iceberg-merge-into.html), the fallback should a
    workgroup refuse the subquery. Nothing in a statement or argument grows
    with the person's readings or the number of requests: the only value is
    the customer_id (forget_customer_predicates).
        dbt run-operation forget_customer --args "{customer_sha256: ..., dry_run: true}"
    Arguments: customer_sha256 (the customer_id: 64 hex digits), dry_run
    (default true: print the statements only).
#}
{% macro forget_customer(customer_sha256, dry_run=true) %}
    {% for table in forget_customer_predicates(customer_sha256, built=not dry_run) %}
        {% if not dry_run and adapter.get_relation(
            table.relation.database, table.relation.schema,
            table.relation.identifier) is none %}
            {% do log('skip (not built): ' ~ table.name, info=true) %}
        {% else %}
            {% set statement = forget_delete_statement(table.relation, table.predicate) %}
            {% do log(('dry run: ' if dry_run else 'run: ') ~ statement, info=true) %}
            {% if not dry_run %}{% do run_query(statement) %}{% endif %}
            {% do purge_iceberg_table(table.relation, dry_run) %}
        {% endif %}
    {% endfor %}
{% endmacro %}

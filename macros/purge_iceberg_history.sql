{#
    Why: DELETE and CREATE OR REPLACE on Iceberg are logical; removed rows stay
    in older snapshots and files. After consent is withdrawn, this makes the
    removal physical on every trusted/curated table: compact (rewrites files
    that carry position deletes), expire all older snapshots, remove orphan
    files. Prints the statements; runs them only with dry_run=false.
        dbt run-operation purge_iceberg_history --args '{dry_run: false}'
    Argument: dry_run (bool, default true: print only).
#}
{% macro purge_iceberg_history(dry_run=true) %}
    {% for node in graph.nodes.values()
        if node.resource_type == 'model'
        and node.config.materialized in ['table', 'incremental']
        and node.fqn[1] in ['trusted', 'curated'] %}
        {% set relation = adapter.get_relation(node.database, node.schema, node.alias) %}
        {% if relation is none %}
            {% do log('skip (not built): ' ~ node.name, info=true) %}
        {% else %}
            {% for statement in iceberg_purge_statements(relation) %}
                {% do log(('dry run: ' if dry_run else 'run: ') ~ statement, info=true) %}
                {% if not dry_run %}{% do run_query(statement) %}{% endif %}
            {% endfor %}
        {% endif %}
    {% endfor %}
{% endmacro %}

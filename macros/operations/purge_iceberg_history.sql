{# Why: DELETE and CREATE OR REPLACE on Iceberg are logical; removed rows stay in
   older snapshots and files until the history is purged. `stedi purge` and
   `stedi forget` purge a table the same way. #}
{% macro purge_iceberg_history(relations=none, dry_run=true) %}
    {% for relation in (purgeable_relations() if relations is none else relations) %}
        {% set before = none if dry_run else run_query(iceberg_files_query(relation)) %}
        {% for statement in adapter.dispatch('iceberg_purge_statements', 'stedi')(relation) %}
            {% do log(('dry run: ' if dry_run else 'run: ') ~ statement.sql, info=true) %}
            {% if not dry_run and statement.more_runs %}
                {% do adapter.run_operation_with_potential_multiple_runs(
                    statement.sql, statement.more_runs) %}
            {% elif not dry_run %}
                {% do run_query(statement.sql) %}
            {% endif %}
        {% endfor %}
        {% if not dry_run %}{% do check_iceberg_purged([relation], {relation | string: before}) %}{% endif %}
    {% endfor %}
{% endmacro %}

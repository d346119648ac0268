{# Why: erasure on request (`stedi forget`) must reach every table dbt builds from
   landing data and leave no older snapshot or file holding the person's rows.
   Statements, forms and sources: macros/operations/_macros.yml. #}
{% macro forget_customer(customer_sha256, dry_run=true) %}
    {% for table in forget_customer_predicates(customer_sha256, built=not dry_run) %}
        {% if not dry_run and adapter.get_relation(
            table.relation.database, table.relation.schema,
            table.relation.identifier) is none %}
            {% do log('skip (not built): ' ~ table.name, info=true) %}
        {% else %}
            {# DELETE FROM [db_name.]table_name WHERE predicate, on both engines #}
            {% set statement = 'delete from ' ~ table.relation.schema ~ '.'
                ~ table.relation.identifier ~ ' where ' ~ table.predicate %}
            {% do log(('dry run: ' if dry_run else 'run: ') ~ statement, info=true) %}
            {% if not dry_run %}{% do run_query(statement) %}{% endif %}
            {% do purge_iceberg_history([table.relation], dry_run) %}
        {% endif %}
    {% endfor %}
{% endmacro %}

{#
    Why: `stedi forget`'s dry run says how many rows erasure would delete from
    each table, with the very predicates forget_customer deletes by
    (forget_customer_predicates). Changes nothing.
        dbt --quiet run-operation forget_customer_rows --args "{customer_sha256: ...}"
    Argument: customer_sha256 (as forget_customer). Prints one
    JSON object: {table name: rows}; a table not built yet has 0.
#}
{% macro forget_customer_rows(customer_sha256) %}
    {% set rows = {} %}
    {% for table in forget_customer_predicates(customer_sha256) %}
        {% set relation = table.relation %}
        {% if adapter.get_relation(
            relation.database, relation.schema, relation.identifier) is not none %}
            {% set result = run_query(
                'select count(*) from ' ~ relation ~ ' where ' ~ table.predicate) %}
            {% do rows.update({table.name: result.columns[0].values()[0] | int}) %}
        {% else %}
            {% do rows.update({table.name: 0}) %}
        {% endif %}
    {% endfor %}
    {{ print(tojson(rows)) }}
{% endmacro %}

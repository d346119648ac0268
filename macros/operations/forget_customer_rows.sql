{# Why: `stedi forget`'s dry run counts what erasure would delete with the very
   predicates forget_customer deletes by; it changes nothing. #}
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

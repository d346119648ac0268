{#
    Why: dbt-external-tables supports neither Athena nor Trino, so the landing
    external tables are declared here, from the `landing` source's YAML, before
    every run (on-run-start). Each table holds one raw JSON line per row; the
    typed views in models/landing parse it, so a malformed line never fails a
    query and both engines read the same files the same way.
    Idempotent: CREATE ... IF NOT EXISTS, metadata only (external tables).
#}
{% macro create_landing_tables() %}
    {% if execute %}
        {% set created = [] %}
        {% for source in graph.sources.values() if source.source_name == 'landing' %}
            {% set relation = api.Relation.create(
                database=source.database,
                schema=source.schema,
                identifier=source.identifier
            ) %}
            {% if relation.without_identifier() | string not in created %}
                {% do adapter.create_schema(relation.without_identifier()) %}
                {% do created.append(relation.without_identifier() | string) %}
            {% endif %}
            {% set location = landing_location(source.meta.landing_prefix) %}
            {% do run_query(landing_table_ddl(relation, location)) %}
        {% endfor %}
    {% endif %}
    {# The hook itself runs no statement of its own. #}
{% endmacro %}

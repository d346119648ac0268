{# Why: dbt-external-tables supports neither Athena nor Trino, and a malformed line
   must never fail a query: raw lines in text tables, parsed by the typed models. #}
{% macro create_landing_tables() %}
    {% if execute %}
        {% set render_only = flags.WHICH in ['compile', 'generate', 'docs', 'show', 'list', 'parse'] %}
        {% set schemas = [] %}
        {% set statements = [] %}
        {% for source in graph.sources.values() if source.source_name in ['landing', 'privacy'] %}
            {% set relation = api.Relation.create(
                database=source.database,
                schema=source.schema,
                identifier=source.identifier
            ) %}
            {% if relation.without_identifier() | string not in schemas %}
                {% do schemas.append(relation.without_identifier() | string) %}
                {% if not render_only %}
                    {% do adapter.create_schema(relation.without_identifier()) %}
                {% endif %}
            {% endif %}
            {% do statements.append(adapter.dispatch('landing_table_ddl', 'stedi')(
                relation, lake_location(source.meta.landing_prefix))) %}
        {% endfor %}
        {% if render_only %}
            {# Not executed: the compiled hook lists what a run would declare. #}
            {{ return(statements | join(';\n\n')) }}
        {% endif %}
        {% for statement in statements %}
            {% do run_query(statement) %}
        {% endfor %}
    {% endif %}
    {# The hook itself runs no statement of its own. #}
{% endmacro %}

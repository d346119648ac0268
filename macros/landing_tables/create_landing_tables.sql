{#
    Why: dbt-external-tables supports neither Athena nor Trino, so the landing
    external tables are declared here, from the `landing` source's YAML, before
    every run (on-run-start); so is the `privacy` source (requests to be
    forgotten, the same kind of text table). Each table holds one raw JSON line per row; the
    typed landing tables in models/landing parse it, so a malformed line never fails a
    query and both engines read the same files the same way.
    Idempotent: CREATE ... IF NOT EXISTS, metadata only (external tables).
    dbt also compiles hooks (`dbt compile`, `dbt docs generate`, `dbt show`):
    those commands must not touch the warehouse (Athena: no AWS credentials in
    CI), so they only render the statements, which is what the compiled hook
    in target/ then shows.
#}
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
            {% do statements.append(landing_table_ddl(
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

{#
    Why: one home for what erasure deletes, read by forget_customer (the
    DELETEs) and forget_customer_rows (`stedi forget`'s dry run). Every table
    dbt builds from landing data (typed landing, trusted, curated; read from
    the graph, so a new table is never missed) with the predicate that finds
    the person in it, on its own columns: customer_id; email_key by its
    SHA-256 (the email never appears in a statement or a query log); or, for
    Step Trainer readings (no customer column), the reading's hash
    (forgotten.step_reading_id) in the readings attributed to them, read by the
    statement itself from what the lake holds: the hashes their request
    recorded in the registry (the `privacy.forgotten_customers` source) and
    those step_trainer_trusted still attributes to them. No reading and no
    request is ever written into the SQL: every statement is the same size for
    one reading or a million, one request or a million (Athena caps a query at
    262,144 bytes; an argument list at 128 KiB per argument on Linux).
    A table with none of these columns stops the operation: every new table
    must say how it is erased.
    Arguments: customer_sha256 (the customer_id: 64 hex digits); built (true:
    look up which tables exist, as a run does; false: assume every table
    does, as a dry run prints). Returns a list of {name, relation, predicate}.
#}
{% macro forget_customer_predicates(customer_sha256, built=true) %}
    {% if customer_sha256 is not string
        or modules.re.fullmatch("[0-9A-Fa-f]{64}", customer_sha256) is none %}
        {{ exceptions.raise_compiler_error(
            'forget_customer: customer_id must be a SHA-256 in hex (64 digits)') }}
    {% endif %}
    {% set cid = customer_sha256 | upper %}
    {% set models = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('config.materialized', 'in', ['table', 'incremental'])
        | list %}
    {% set tables = [] %}
    {% for node in models if node.fqn[1] in ['landing', 'trusted', 'curated'] %}
        {% if 'customer_id' in node.columns %}
            {% set predicate = "customer_id = '" ~ cid ~ "'" %}
        {% elif 'email_key' in node.columns %}
            {% set predicate = customer_id('email_key') ~ " = '" ~ cid ~ "'" %}
        {% elif 'sensor_reading_epoch_ms' in node.columns %}
            {# one line: a statement as dbt logs it and the dry run prints it #}
            {% set predicate = forget_step_reading_id('serial_number', 'sensor_reading_epoch_ms')
                ~ ' in (' ~ modules.re.sub('\\s+', ' ',
                                           forget_attributed_readings(cid, models, built) | trim)
                ~ ')' %}
        {% else %}
            {{ exceptions.raise_compiler_error(
                'forget_customer: ' ~ node.name ~ ' has no customer_id, email_key or'
                ~ ' step reading column: say how a person is erased from it') }}
        {% endif %}
        {% do tables.append({
            'name': node.name,
            'relation': api.Relation.create(database=node.database, schema=node.schema,
                                            identifier=node.alias, type='table'),
            'predicate': predicate}) %}
    {% endfor %}
    {{ return(tables) }}
{% endmacro %}

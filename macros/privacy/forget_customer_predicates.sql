{#
    Why: one home for what erasure deletes, read by forget_customer (the
    DELETEs) and forget_customer_rows (`stedi forget`'s dry run). Every table
    dbt builds from landing data (typed landing, trusted, curated; read from
    the graph, so a new table is never missed) with the predicate that finds
    the person in it, on its own columns against literals: customer_id;
    email_key by its SHA-256 (the email never appears in a statement or a
    query log); or, for Step Trainer readings, the serial number and time of
    the readings that were attributed to them (none: no predicate). A table
    with none of these columns stops the operation: every new table must say
    how it is erased.
    Arguments: customer_sha256 (the customer_id: 64 hex digits), step_readings
    (list of [serial_number, epoch ms]). Returns a list of {name, relation,
    predicate}, predicate none when there is nothing to delete.
#}
{% macro forget_customer_predicates(customer_sha256, step_readings=[]) %}
    {% if customer_sha256 is not string
        or modules.re.fullmatch("[0-9A-Fa-f]{64}", customer_sha256) is none %}
        {{ exceptions.raise_compiler_error(
            'forget_customer: customer_id must be a SHA-256 in hex (64 digits)') }}
    {% endif %}
    {% set cid = customer_sha256 | upper %}
    {% set by_serial = {} %}
    {% for serial, epoch_ms in step_readings %}
        {% do by_serial.setdefault(serial | string, []).append(epoch_ms | int) %}
    {% endfor %}
    {% set step_terms = [] %}
    {% for serial, times in by_serial | dictsort %}
        {% do step_terms.append(
            "(serial_number = '" ~ serial | replace("'", "''")
            ~ "' and sensor_reading_epoch_ms in (" ~ times | join(', ') ~ "))") %}
    {% endfor %}
    {% set tables = [] %}
    {% for node in graph.nodes.values()
        if node.resource_type == 'model'
        and node.config.materialized in ['table', 'incremental']
        and node.fqn[1] in ['landing', 'trusted', 'curated'] %}
        {% if 'customer_id' in node.columns %}
            {% set predicate = "customer_id in ('" ~ cid ~ "')" %}
        {% elif 'email_key' in node.columns %}
            {% set predicate = customer_id('email_key') ~ " in ('" ~ cid ~ "')" %}
        {% elif 'sensor_reading_epoch_ms' in node.columns %}
            {% set predicate = step_terms | join(' or ') if step_terms else none %}
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

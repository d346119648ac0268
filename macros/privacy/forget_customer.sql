{#
    Why: erasure on request (`stedi forget`, which records the request and
    rewrites the landing files first). Deletes one customer's rows from every
    table dbt builds from landing data (typed landing, trusted, curated), then
    makes the deletes physical with the purge of `stedi purge`
    (purge_iceberg_table: compaction, snapshot expiry, orphan files, then the
    check that no older snapshot or file is left), so no older snapshot or
    file still holds them. Views (audit) follow.
    A table is searched by the column that identifies the person: customer_id;
    email_key (by its SHA-256, so the email never appears in a statement or a
    query log); or, for Step Trainer readings, the serial number and time of
    the readings that were attributed to them. A table with none of these
    stops the operation: every new table must say how it is erased.
    Statements: DELETE FROM [db_name.]table_name WHERE predicate, the form AWS
    documents (docs.aws.amazon.com/athena/latest/ug/delete-statement.html);
    predicates on the table's own columns against literals, no subquery.
        dbt run-operation forget_customer --args "{customer_sha256: ..., dry_run: true}"
    Arguments: customer_sha256 (the customer_id: 64 hex digits), step_readings (list of
    [serial_number, epoch ms] that step_trainer_trusted attributed to them),
    dry_run (default true: print the statements only).
#}
{% macro forget_customer(customer_sha256, step_readings=[], dry_run=true) %}
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
        {% set relation = api.Relation.create(
            database=node.database, schema=node.schema, identifier=node.alias, type='table') %}
        {% if not dry_run and adapter.get_relation(
            node.database, node.schema, node.alias) is none %}
            {% do log('skip (not built): ' ~ node.name, info=true) %}
        {% else %}
            {% if predicate is not none %}
                {% set statement = forget_delete_statement(relation, predicate) %}
                {% do log(('dry run: ' if dry_run else 'run: ') ~ statement, info=true) %}
                {% if not dry_run %}{% do run_query(statement) %}{% endif %}
            {% endif %}
            {% do purge_iceberg_table(relation, dry_run) %}
        {% endif %}
    {% endfor %}
{% endmacro %}

{#
    The DELETE of one table: Trino takes the relation as dbt renders it; Athena
    the documented DELETE FROM [db_name.]table_name (no catalog, no quotes).
#}
{% macro forget_delete_statement(relation, predicate) -%}
    {{ return(adapter.dispatch('forget_delete_statement', 'stedi')(relation, predicate)) }}
{%- endmacro %}

{% macro trino__forget_delete_statement(relation, predicate) -%}
    {{ return('delete from ' ~ relation ~ ' where ' ~ predicate) }}
{%- endmacro %}

{% macro athena__forget_delete_statement(relation, predicate) -%}
    {{ return('delete from ' ~ relation.schema ~ '.' ~ relation.identifier
              ~ ' where ' ~ predicate) }}
{%- endmacro %}

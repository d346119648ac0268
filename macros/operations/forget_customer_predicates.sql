{# Why: one home for what erasure deletes (forget_customer) and counts
   (forget_customer_rows); read from the graph, so a new table is never missed,
   and no reading or request is ever written into the SQL. #}
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
    {# a Step Trainer reading's id as a request records it (stedi.privacy.forgotten.step_reading_id) #}
    {% set step_reading_id = customer_id(
        "serial_number || '|' || cast(sensor_reading_epoch_ms as varchar)") %}
    {% set registry = graph.sources.values() | selectattr('source_name', 'equalto', 'privacy')
        | selectattr('name', 'equalto', 'forgotten_customers') | first %}
    {% set attributed %}
        select upper(attributed.reading_id)
        from {{ api.Relation.create(database=registry.database, schema=registry.schema,
                                    identifier=registry.identifier) }} as requests
        cross join unnest(
            try_cast(json_extract(requests.raw_line, '$.step_readings') as array(varchar))
        ) as attributed (reading_id)
        where upper(json_extract_scalar(requests.raw_line, '$.customer_id')) = '{{ cid }}'
        {%- for node in models if node.name == 'step_trainer_trusted'
            and (not built or adapter.get_relation(node.database, node.schema, node.alias)
                 is not none) %}
        union
        select {{ step_reading_id }}
        from {{ api.Relation.create(database=node.database, schema=node.schema,
                                    identifier=node.alias) }} as readings
        where readings.customer_id = '{{ cid }}'
        {%- endfor %}
    {% endset %}
    {% set tables = [] %}
    {% for node in models if node.fqn[1] in ['landing', 'trusted', 'curated'] %}
        {% if 'customer_id' in node.columns %}
            {% set predicate = "customer_id = '" ~ cid ~ "'" %}
        {% elif 'email_key' in node.columns %}
            {% set predicate = customer_id('email_key') ~ " = '" ~ cid ~ "'" %}
        {% elif 'sensor_reading_epoch_ms' in node.columns %}
            {# one line: a statement as dbt logs it and the dry run prints it #}
            {% set predicate = step_reading_id ~ ' in ('
                ~ modules.re.sub('\\s+', ' ', attributed | trim) ~ ')' %}
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

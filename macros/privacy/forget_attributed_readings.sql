{#
    Why: erasure deletes a person's Step Trainer readings (no customer
    column) by what the lake holds, never a literal list. The ids of the
    readings attributed to one customer, as an uncorrelated subquery over the
    lake: the hashes in their requests (a line of the
    registry whose customer_id is theirs; a line that is not a request names
    nobody, a step_readings that is not a list of strings none), and the
    readings step_trainer_trusted attributes to them now (the dry run, before
    the request is recorded; a table not built yet is left out).
    Arguments: cid (upper hex), models (the graph's model nodes), built (look
    up whether step_trainer_trusted exists; false: assume it does).
#}
{% macro forget_attributed_readings(cid, models, built) -%}
    {%- set registry = graph.sources.values() | selectattr('source_name', 'equalto', 'privacy')
        | selectattr('name', 'equalto', 'forgotten_customers') | first -%}
    {%- set trusted = [] -%}
    {%- for node in models if node.name == 'step_trainer_trusted'
        and (not built or adapter.get_relation(node.database, node.schema, node.alias)
             is not none) -%}
        {%- do trusted.append(node) -%}
    {%- endfor -%}
    select upper(attributed.reading_id)
    from {{ api.Relation.create(database=registry.database, schema=registry.schema,
                                identifier=registry.identifier) }} as requests
    cross join unnest(
        try_cast(json_extract(requests.raw_line, '$.step_readings') as array(varchar))
    ) as attributed (reading_id)
    where upper(json_extract_scalar(requests.raw_line, '$.customer_id')) = '{{ cid }}'
    {%- for node in trusted %}
    union
    select {{ forget_step_reading_id('readings.serial_number',
                                     'readings.sensor_reading_epoch_ms') }}
    from {{ api.Relation.create(database=node.database, schema=node.schema,
                                identifier=node.alias) }} as readings
    where readings.customer_id = '{{ cid }}'
    {%- endfor %}
{%- endmacro %}

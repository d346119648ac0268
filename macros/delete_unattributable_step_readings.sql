{#
    Why: step_trainer_trusted is incremental, so rows from earlier runs must be
    re-checked against the attribution rule after every run: the customer is
    still curated (consenting, with phone data), owns the serial number, has a
    phone reading at that time, and no other curated customer with the same
    serial number has one. Used as the model's post-hook (renders nothing on a
    full refresh: the table was just rebuilt by the same rule).
    Only serial numbers that can have changed are re-checked: those of rows
    whose customer is no longer curated, and those of customers whose phone
    readings were loaded in this run. In strict mode (phone readings can be
    removed for a customer who stays) every row is re-checked.
    Statement form (docs/athena.md): DELETE FROM t WHERE serial_number IN
    (literal lists) AND <row key> NOT IN (uncorrelated subquery over
    customers_curated and accelerometer_trusted): the subquery lists the
    (serial, time, customer) keys the rule attributes, and never reads the
    table being deleted from.
    Argument: relation (the step_trainer_trusted table).
#}
{% macro delete_unattributable_step_readings(relation) -%}
    {%- if not should_full_refresh() and execute %}
        {%- set touched_sql -%}
            select held.serial_number
            from {{ relation }} as held
            where held.customer_id not in (
                select customers.customer_id from {{ ref('customers_curated') }} as customers
            )
            union
            select customers.serial_number
            from {{ ref('accelerometer_trusted') }} as phone
            inner join {{ ref('customers_curated') }} as customers
                on phone.customer_id = customers.customer_id
            where
                phone.loaded_at = {{ run_loaded_at() }}
                and customers.serial_number is not null
        {%- endset %}
        {%- if var('strict_consent') %}
            {%- set serials = none %}
        {%- else %}
            {%- set serials = run_query(touched_sql).columns[0].values() | list %}
        {%- endif %}
        {%- if serials is none or serials | length > 0 %}
    delete from {{ relation }}
    where
        {{ in_literal_lists('serial_number', serials) }}
        and concat(serial_number, '/', cast(sensor_reading_epoch_ms as varchar), '/', customer_id)
        not in (
            select
                concat(owner.serial_number, '/', cast(phone.reading_epoch_ms as varchar), '/',
                       max(owner.customer_id))
            from {{ ref('customers_curated') }} as owner
            inner join {{ ref('accelerometer_trusted') }} as phone
                on owner.customer_id = phone.customer_id
            where {{ in_literal_lists('owner.serial_number', serials) }}
            group by owner.serial_number, phone.reading_epoch_ms
            having count(distinct owner.customer_id) = 1
        )
        {%- endif %}
    {%- endif %}
{%- endmacro %}


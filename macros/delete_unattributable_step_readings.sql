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
            {%- set scope = 'true' %}
        {%- else %}
            {%- set serials = run_query(touched_sql).columns[0].values() %}
            {%- if serials | length == 0 %}
                {%- set scope = none %}
            {%- elif serials | length <= 1000 %}
                {#- a constant list reaches the table scan #}
                {%- set scope = "serial_number in ('"
                    ~ serials | map('replace', "'", "''") | join("', '") ~ "')" %}
            {%- else %}
                {%- set scope = 'serial_number in (' ~ touched_sql ~ ')' %}
            {%- endif %}
        {%- endif %}
        {%- if scope is not none %}
    delete from {{ relation }}
    where
        {{ scope }}
        and (
        not exists (
            select 1
            from {{ ref('customers_curated') }} as owner
            inner join {{ ref('accelerometer_trusted') }} as phone
                on owner.customer_id = phone.customer_id
            where
                owner.customer_id = {{ relation }}.customer_id
                and owner.serial_number = {{ relation }}.serial_number
                and phone.reading_epoch_ms = {{ relation }}.sensor_reading_epoch_ms
        )
        or exists (
            select 1
            from {{ ref('customers_curated') }} as other
            inner join {{ ref('accelerometer_trusted') }} as phone
                on other.customer_id = phone.customer_id
            where
                other.customer_id <> {{ relation }}.customer_id
                and other.serial_number = {{ relation }}.serial_number
                and phone.reading_epoch_ms = {{ relation }}.sensor_reading_epoch_ms
        ))
        {%- endif %}
    {%- endif %}
{%- endmacro %}

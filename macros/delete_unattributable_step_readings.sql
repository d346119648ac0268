{#
    Why: step_trainer_trusted is incremental, so rows from earlier runs must be
    re-checked against the attribution rule after every run: the customer is
    still curated (consenting, with phone data), owns the serial number, has a
    phone reading at that time, and no other curated customer with the same
    serial number has one. Used as the model's post-hook (renders nothing on a
    full refresh: the table was just rebuilt by the same rule).
    Argument: relation (the step_trainer_trusted table).
#}
{% macro delete_unattributable_step_readings(relation) -%}
    {%- if not should_full_refresh() %}
    delete from {{ relation }}
    where
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
        )
    {%- endif %}
{%- endmacro %}

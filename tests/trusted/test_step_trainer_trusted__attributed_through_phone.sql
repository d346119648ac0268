-- Assert that every step_trainer_trusted reading belongs to a customer whose
-- serial number it carries and whose phone has a reading at the same timestamp
-- (serial numbers alone were reused by the fulfilment site). The rule is
-- restated here on purpose, apart from the phone_owners macro, so that a
-- mistake in the macro cannot pass its own test. The phone readings are
-- joined from the tested rows (no correlated subquery under an OR). On a daily
-- run it checks the serials that run rewrote; whole otherwise (docs/incremental.md).
-- depends_on: {{ ref('customer_landing_typed') }}, {{ ref('accelerometer_landing_typed') }},
-- {{ ref('step_trainer_landing_typed') }}
with steps as (
    select
        step_trainer_reading_id,
        customer_id,
        serial_number,
        sensor_reading_epoch_ms
    from {{ ref('step_trainer_trusted') }}
    {%- if follows_the_landing_delta() %}
        where {{ rewritten_rows('serial_number') }}
    {%- endif %}
),

phone_at_step_time as (
    select distinct
        phone.customer_id,
        phone.reading_epoch_ms
    from {{ ref('accelerometer_trusted') }} as phone
    inner join steps
        on
            phone.customer_id = steps.customer_id
            and phone.reading_epoch_ms = steps.sensor_reading_epoch_ms
    {% if follows_the_landing_delta() -%}
        -- a daily run: Trino cannot estimate the slice and would hash every reading
        where phone.customer_id in (select sliced.customer_id from steps as sliced)
    {%- endif %}
)

select steps.step_trainer_reading_id
from steps
left join {{ ref('customers_curated') }} as customers
    on steps.customer_id = customers.customer_id
left join phone_at_step_time
    on
        steps.customer_id = phone_at_step_time.customer_id
        and steps.sensor_reading_epoch_ms = phone_at_step_time.reading_epoch_ms
where
    customers.serial_number is distinct from steps.serial_number
    or phone_at_step_time.customer_id is null

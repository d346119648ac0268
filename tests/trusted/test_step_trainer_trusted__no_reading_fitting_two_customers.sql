-- Assert that no step_trainer_trusted reading fits two customers: serial
-- numbers were reused by the fulfilment site, so a reading whose serial number
-- two consenting customers share, and whose time both their phones have a
-- reading at, belongs to neither and is left out. The rule is restated here on
-- purpose, apart from macros/phone_owners.sql: the customers come from
-- customer_trusted (not customers_curated), so a mistake in the macro or in
-- customers_curated cannot pass this test. Returns each such reading and the
-- number of customers it fits. On a daily run it checks the serials that run
-- rewrote (every customer holding one of them is among them); whole otherwise.
-- depends_on: {{ ref('customer_landing_typed') }}, {{ ref('accelerometer_landing_typed') }},
-- {{ ref('step_trainer_landing_typed') }}
with steps as (
    select *
    from {{ ref('step_trainer_trusted') }}
    {%- if follows_the_landing_delta() %}
        where {{ rewritten_rows('serial_number') }}
    {%- endif %}
),

fits as (
    select
        steps.step_trainer_reading_id,
        customers.customer_id
    from steps
    inner join {{ ref('customer_trusted') }} as customers
        on steps.serial_number = customers.serial_number
    inner join {{ ref('accelerometer_trusted') }} as phone
        on
            customers.customer_id = phone.customer_id
            and steps.sensor_reading_epoch_ms = phone.reading_epoch_ms
    {% if follows_the_landing_delta() -%}
        -- a daily run: Trino cannot estimate the slice and would hash every reading
        where phone.customer_id in (
            select holders.customer_id
            from {{ ref('customer_trusted') }} as holders
            where holders.serial_number in (select sliced.serial_number from steps as sliced)
        )
    {%- endif %}
)

select
    step_trainer_reading_id,
    count(distinct customer_id) as fitting_customers
from fits
group by step_trainer_reading_id
having count(distinct customer_id) > 1

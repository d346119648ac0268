-- Assert that every machine_learning_curated row pairs readings of one customer:
-- its phone reading is that customer's at that timestamp with those x/y/z, its
-- Step Trainer reading is attributed to that customer at that timestamp, and
-- the Step Trainer's serial number is that customer's. On a daily run it checks
-- the serials that run rewrote; whole otherwise (docs/incremental.md).
-- depends_on: {{ ref('customer_landing_typed') }}, {{ ref('accelerometer_landing_typed') }},
-- {{ ref('step_trainer_landing_typed') }}
with ml_reading as (
    select *
    from {{ ref('machine_learning_curated') }}
    {%- if follows_the_landing_delta() %}
        where {{ rewritten_rows('serial_number') }}
    {%- endif %}
)

select ml_reading.machine_learning_reading_id
from ml_reading
left join {{ ref('accelerometer_trusted') }} as phone
    on ml_reading.accelerometer_reading_id = phone.accelerometer_reading_id
left join {{ ref('step_trainer_trusted') }} as steps
    on ml_reading.step_trainer_reading_id = steps.step_trainer_reading_id
left join {{ ref('customers_curated') }} as customers
    on ml_reading.customer_id = customers.customer_id
where
    phone.customer_id is distinct from ml_reading.customer_id
    or steps.customer_id is distinct from ml_reading.customer_id
    or customers.serial_number is distinct from ml_reading.serial_number
    or phone.reading_epoch_ms is distinct from ml_reading.reading_epoch_ms
    or steps.sensor_reading_epoch_ms is distinct from ml_reading.reading_epoch_ms
    or phone.x is distinct from ml_reading.x
    or phone.y is distinct from ml_reading.y
    or phone.z is distinct from ml_reading.z

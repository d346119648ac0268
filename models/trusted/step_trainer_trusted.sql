-- One row per distinct step-trainer reading attributed to one customers_curated
-- customer: the reading's serial number is the customer's, and the customer's
-- phone has a reading at the same timestamp. Serial numbers were reused by the
-- fulfilment site, so a reading that would fit two customers is left out.
with readings as (
    select distinct
        serial_number,
        sensor_reading_epoch_ms,
        distance_from_object
    from {{ ref('step_trainer_landing_typed') }}
    where serial_number is not null and sensor_reading_epoch_ms is not null
),

attributed as (
    select
        readings.*,
        customers.customer_id,
        count(*) over (
            partition by
                readings.serial_number, readings.sensor_reading_epoch_ms,
                readings.distance_from_object
        ) as candidate_customers
    from readings
    inner join {{ ref('customers_curated') }} as customers
        on readings.serial_number = customers.serial_number
    where exists (
        select 1
        from {{ ref('accelerometer_trusted') }} as phone
        where
            phone.customer_id = customers.customer_id
            and phone.reading_epoch_ms = readings.sensor_reading_epoch_ms
    )
)

select
    {{ surrogate_key(['serial_number', 'sensor_reading_epoch_ms',
                      'distance_from_object']) }} as step_trainer_reading_id,
    customer_id,
    serial_number,
    sensor_reading_epoch_ms,
    {{ epoch_ms_to_timestamp('sensor_reading_epoch_ms') }} as sensor_reading_at,
    distance_from_object
from attributed
where candidate_customers = 1

-- One row per distinct accelerometer reading of a customer_trusted customer.
-- A reading delivered twice (same customer, time and x/y/z) appears once.
with readings as (
    select distinct
        email_key,
        reading_epoch_ms,
        x,
        y,
        z
    from {{ ref('accelerometer_landing_typed') }}
    where reading_epoch_ms is not null
)

select
    {{ surrogate_key(['customers.customer_id', 'readings.reading_epoch_ms',
                      'readings.x', 'readings.y', 'readings.z']) }}
        as accelerometer_reading_id,
    customers.customer_id,
    readings.reading_epoch_ms,
    {{ epoch_ms_to_timestamp('readings.reading_epoch_ms') }} as reading_at,
    readings.x,
    readings.y,
    readings.z
from readings
inner join {{ ref('customer_trusted') }} as customers
    on readings.email_key = customers.email

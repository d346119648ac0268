-- One row per distinct step-trainer reading attributed to one customers_curated
-- customer: the reading's serial number is the customer's, and the customer's
-- phone has a reading at the same timestamp. Serial numbers were reused by the
-- fulfilment site, so a reading that would fit two customers is left out.
-- Incremental: a run reads landing files newer than the table's watermark,
-- plus the readings of serials whose customers got phone readings since the
-- table's last load; a post-hook deletes rows that no longer qualify.

-- depends_on: "iceberg"."stedi_trusted"."customer_trusted"

with readings as (
    select
        landing.serial_number,
        landing.sensor_reading_epoch_ms,
        landing.distance_from_object,
        max(landing.source_file_modified_at) as source_file_modified_at
    from "iceberg"."stedi_landing"."step_trainer_landing_typed" as landing
    where
        landing.rejection_reason is null
        and (landing.source_file_modified_at
        > timestamp '2026-11-25 09:47:39.291000 UTC'
        or landing.serial_number in (
            select customers.serial_number
            from "iceberg"."stedi_curated"."customers_curated" as customers
            inner join "iceberg"."stedi_trusted"."accelerometer_trusted" as phone
                on customers.customer_id = phone.customer_id
            where phone.loaded_at > timestamp '2026-11-25 09:47:41.349409 UTC'
        ))
    group by
        landing.serial_number,
        landing.sensor_reading_epoch_ms,
        landing.distance_from_object
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
    inner join "iceberg"."stedi_curated"."customers_curated" as customers
        on readings.serial_number = customers.serial_number
    where exists (
        select 1
        from "iceberg"."stedi_trusted"."accelerometer_trusted" as phone
        where
            phone.customer_id = customers.customer_id
            and phone.reading_epoch_ms = readings.sensor_reading_epoch_ms
    )
)

select
    to_hex(md5(to_utf8(coalesce(cast(serial_number as varchar), '<null>') || '|' || coalesce(cast(sensor_reading_epoch_ms as varchar), '<null>') || '|' || coalesce(cast(distance_from_object as varchar), '<null>')))) as step_trainer_reading_id,
    customer_id,
    serial_number,
    sensor_reading_epoch_ms,
    cast(
        date_add('millisecond', sensor_reading_epoch_ms % 1000, from_unixtime(sensor_reading_epoch_ms / 1000))
        at time zone 'UTC' as timestamp(6)
    ) as sensor_reading_at,
    distance_from_object,
    cast(source_file_modified_at at time zone 'UTC' as timestamp(6)) as landing_file_modified_at,
    cast('2026-11-25 09:50:06.000394' as timestamp(6)) as loaded_at
from attributed
where candidate_customers = 1
-- One row per step_trainer_trusted reading paired with one accelerometer_trusted
-- reading of the same customer at the same timestamp. No direct identifiers:
-- the customer appears only as the pseudonymous customer_id.
-- Incremental: pairs involving a reading loaded since the table's last load;
-- a post-hook deletes pairs whose readings left the trusted tables.


select
    to_hex(md5(to_utf8(coalesce(cast(steps.step_trainer_reading_id as varchar), '<null>') || '|' || coalesce(cast(phone.accelerometer_reading_id as varchar), '<null>'))))
        as machine_learning_reading_id,
    steps.customer_id,
    steps.step_trainer_reading_id,
    phone.accelerometer_reading_id,
    steps.serial_number,
    steps.sensor_reading_epoch_ms as reading_epoch_ms,
    steps.sensor_reading_at as reading_at,
    steps.distance_from_object,
    phone.x,
    phone.y,
    phone.z,
    cast('2026-11-25 09:50:06.000394' as timestamp(6)) as loaded_at
from "iceberg"."stedi_trusted"."step_trainer_trusted" as steps
inner join "iceberg"."stedi_trusted"."accelerometer_trusted" as phone
    on
        steps.customer_id = phone.customer_id
        and steps.sensor_reading_epoch_ms = phone.reading_epoch_ms
where
        steps.loaded_at > timestamp '2026-11-25 09:47:41.349409 UTC'
        or phone.loaded_at > timestamp '2026-11-25 09:47:41.349409 UTC'
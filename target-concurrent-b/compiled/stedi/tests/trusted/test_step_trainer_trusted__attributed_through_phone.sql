-- Assert that every step_trainer_trusted reading belongs to a customer whose
-- serial number it carries and whose phone has a reading at the same timestamp
-- (serial numbers alone were reused by the fulfilment site).
select steps.step_trainer_reading_id
from "iceberg"."stedi_trusted"."step_trainer_trusted" as steps
left join "iceberg"."stedi_curated"."customers_curated" as customers
    on steps.customer_id = customers.customer_id
where
    customers.serial_number is distinct from steps.serial_number
    or not exists (
        select 1
        from "iceberg"."stedi_trusted"."accelerometer_trusted" as phone
        where
            phone.customer_id = steps.customer_id
            and phone.reading_epoch_ms = steps.sensor_reading_epoch_ms
    )
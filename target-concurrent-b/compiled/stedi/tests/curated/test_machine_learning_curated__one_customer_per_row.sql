-- Assert that every machine_learning_curated row pairs readings of one customer:
-- the phone reading exists in the landing data under that customer's email at
-- that timestamp with those x/y/z, and the Step Trainer's serial number is that
-- customer's.
select ml_reading.machine_learning_reading_id
from "iceberg"."stedi_curated"."machine_learning_curated" as ml_reading
left join "iceberg"."stedi_curated"."customers_curated" as customers
    on ml_reading.customer_id = customers.customer_id
where
    customers.serial_number is distinct from ml_reading.serial_number
    or not exists (
        select 1
        from "iceberg"."stedi_landing"."accelerometer_landing_typed" as phone
        where
            to_hex(sha256(to_utf8(phone.email_key))) = ml_reading.customer_id
            and phone.reading_epoch_ms = ml_reading.reading_epoch_ms
            and phone.x = ml_reading.x
            and phone.y = ml_reading.y
            and phone.z = ml_reading.z
    )
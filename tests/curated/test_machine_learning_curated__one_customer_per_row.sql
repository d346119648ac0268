-- Assert that every machine_learning_curated row pairs readings of one customer:
-- the phone reading exists in the landing data under that customer's email at
-- that timestamp with those x/y/z, and the Step Trainer's serial number is that
-- customer's.
select ml.machine_learning_reading_id
from {{ ref('machine_learning_curated') }} as ml
left join {{ ref('customers_curated') }} as customers
    on ml.customer_id = customers.customer_id
where
    customers.serial_number is distinct from ml.serial_number
    or not exists (
        select 1
        from {{ ref('accelerometer_landing_typed') }} as phone
        where
            {{ customer_id('phone.email_key') }} = ml.customer_id
            and phone.reading_epoch_ms = ml.reading_epoch_ms
            and phone.x = ml.x
            and phone.y = ml.y
            and phone.z = ml.z
    )

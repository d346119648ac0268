-- Assert that every step_trainer_trusted reading belongs to a customer whose
-- serial number it carries and whose phone has a reading at the same timestamp
-- (serial numbers alone were reused by the fulfilment site). The rule is
-- restated here on purpose, apart from macros/phone_owners.sql, so that a
-- mistake in the macro cannot pass its own test. An incremental build checks
-- the rows it wrote (macros/written_in_this_build.sql).
select steps.step_trainer_reading_id
from {{ ref('step_trainer_trusted') }} as steps
left join {{ ref('customers_curated') }} as customers
    on steps.customer_id = customers.customer_id
where
    {{ written_in_this_build('steps.loaded_at') }}
    and (
        customers.serial_number is distinct from steps.serial_number
        or not exists (
            select 1
            from {{ ref('accelerometer_trusted') }} as phone
            where
                phone.customer_id = steps.customer_id
                and phone.reading_epoch_ms = steps.sensor_reading_epoch_ms
        )
    )

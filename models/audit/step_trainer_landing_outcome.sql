-- One row per landing line of step_trainer/landing/ with its outcome:
-- `trusted` (the first copy of a reading in step_trainer_trusted), `excluded`
-- (with the rule) or `rejected` (with the reason). Accounts for every line.
with lines as (
    select
        source_file,
        raw_line,
        rejection_reason,
        serial_number,
        sensor_reading_epoch_ms,
        distance_from_object,
        row_number() over (
            partition by
                rejection_reason, serial_number, sensor_reading_epoch_ms,
                distance_from_object
            order by source_file
        ) as copy_number
    from {{ ref('step_trainer_landing_typed') }}
),

phone_owners as (
    -- per serial number and time: does exactly one curated customer fit?
    {{ phone_owners() }}
),

classified as (
    select
        lines.source_file,
        lines.raw_line,
        lines.rejection_reason,
        case
            when lines.rejection_reason is not null then lines.rejection_reason
            when lines.copy_number > 1 then 'duplicate_reading'
            when trusted_rows.customer_id is not null then 'trusted_reading'
            when lines.serial_number not in (
                select curated.serial_number
                from {{ ref('customers_curated') }} as curated
                where curated.serial_number is not null
            ) then 'serial_not_curated'
            when phone_owners.serial_number is null then 'no_phone_reading_at_time'
            when not phone_owners.has_one_owner then 'ambiguous_serial_number'
            else 'unaccounted'
        end as outcome_reason
    from lines
    -- the reading's row, by the columns its key is built from (step_trainer_trusted)
    left join {{ ref('step_trainer_trusted') }} as trusted_rows
        on
            lines.serial_number = trusted_rows.serial_number
            and lines.sensor_reading_epoch_ms = trusted_rows.sensor_reading_epoch_ms
            and lines.distance_from_object = trusted_rows.distance_from_object
    left join phone_owners
        on
            lines.serial_number = phone_owners.serial_number
            and lines.sensor_reading_epoch_ms = phone_owners.reading_epoch_ms
)

select
    source_file,
    raw_line,
    {{ landing_outcome('rejection_reason', 'outcome_reason') }} as outcome,
    outcome_reason
from classified

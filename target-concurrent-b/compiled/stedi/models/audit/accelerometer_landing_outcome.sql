-- One row per landing line of accelerometer/landing/ with its outcome:
-- `trusted` (the first copy of a reading in accelerometer_trusted), `excluded`
-- (with the rule) or `rejected` (with the reason). Accounts for every line.
with lines as (
    select
        landing.source_file,
        landing.raw_line,
        landing.rejection_reason,
        landing.reading_epoch_ms,
        customers.customer_id,
        customers.share_with_research_epoch_ms,
        to_hex(md5(to_utf8(coalesce(cast(customers.customer_id as varchar), '<null>') || '|' || coalesce(cast(landing.reading_epoch_ms as varchar), '<null>') || '|' || coalesce(cast(landing.x as varchar), '<null>') || '|' || coalesce(cast(landing.y as varchar), '<null>') || '|' || coalesce(cast(landing.z as varchar), '<null>')))) as accelerometer_reading_id,
        row_number() over (
            partition by
                landing.rejection_reason, landing.email_key, landing.reading_epoch_ms,
                landing.x, landing.y, landing.z
            order by landing.source_file
        ) as copy_number
    from "iceberg"."stedi_landing"."accelerometer_landing_typed" as landing
    left join "iceberg"."stedi_trusted"."customer_trusted" as customers
        on landing.email_key = customers.email
),

classified as (
    select
        lines.source_file,
        lines.raw_line,
        case
            when lines.rejection_reason is not null then lines.rejection_reason
            when lines.customer_id is null then 'no_research_consent'
            
            when lines.copy_number > 1 then 'duplicate_reading'
            when trusted_rows.accelerometer_reading_id is not null then 'trusted_reading'
            else 'unaccounted'
        end as outcome_reason,
        lines.rejection_reason is not null as is_rejected
    from lines
    left join "iceberg"."stedi_trusted"."accelerometer_trusted" as trusted_rows
        on lines.accelerometer_reading_id = trusted_rows.accelerometer_reading_id
)

select
    source_file,
    raw_line,
    case
        when is_rejected then 'rejected'
        when outcome_reason = 'trusted_reading' then 'trusted'
        else 'excluded'
    end as outcome,
    outcome_reason
from classified
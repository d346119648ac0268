-- One row per landing line of accelerometer/landing/ with its outcome:
-- `trusted` (the first copy of a reading in accelerometer_trusted), `excluded`
-- (with the rule: a customer held out on doubt has its own) or `rejected`
-- (with the reason). Accounts for every line.
with lines as (
    select
        landing.source_file,
        landing.raw_line,
        landing.rejection_reason,
        landing.reading_epoch_ms,
        landing.x,
        landing.y,
        landing.z,
        customers.customer_id,
        customers.share_with_research_epoch_ms,
        coalesce(current_customers.held_out_reason, 'no_research_consent')
            as no_consent_reason,
        row_number() over (
            partition by
                landing.rejection_reason, landing.email_key, landing.reading_epoch_ms,
                landing.x, landing.y, landing.z
            order by landing.source_file
        ) as copy_number
    from {{ ref('accelerometer_landing_typed') }} as landing
    left join {{ ref('customer_trusted') }} as customers
        on landing.email_key = customers.email
    left join {{ ref('customer_landing_current') }} as current_customers
        on landing.email_key = current_customers.email_key
),

classified as (
    select
        lines.source_file,
        lines.raw_line,
        lines.rejection_reason,
        case
            when lines.rejection_reason is not null then lines.rejection_reason
            when lines.customer_id is null then lines.no_consent_reason
            when {{ is_before_research_consent('lines.reading_epoch_ms',
                                               'lines.share_with_research_epoch_ms') }}
                then 'before_research_consent'
            when lines.copy_number > 1 then 'duplicate_reading'
            when trusted_rows.customer_id is not null then 'trusted_reading'
            else 'unaccounted'
        end as outcome_reason
    from lines
    -- the reading's row, by the columns its key is built from (accelerometer_trusted)
    left join {{ ref('accelerometer_trusted') }} as trusted_rows
        on
            lines.customer_id = trusted_rows.customer_id
            and lines.reading_epoch_ms = trusted_rows.reading_epoch_ms
            and lines.x = trusted_rows.x
            and lines.y = trusted_rows.y
            and lines.z = trusted_rows.z
)

select
    source_file,
    raw_line,
    {{ landing_outcome('rejection_reason', 'outcome_reason') }} as outcome,
    outcome_reason
from classified

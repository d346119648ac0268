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
        customers.customer_id,
        customers.share_with_research_epoch_ms,
        case
            when current_customers.consent_status like 'held_out_%'
                then current_customers.consent_status
            else 'no_research_consent'
        end as no_consent_reason,
        {{ surrogate_key(['customers.customer_id', 'landing.reading_epoch_ms',
                          'landing.x', 'landing.y', 'landing.z']) }} as accelerometer_reading_id,
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
        case
            when lines.rejection_reason is not null then lines.rejection_reason
            when lines.customer_id is null then lines.no_consent_reason
            {% if var('strict_consent') -%}
                when lines.reading_epoch_ms < lines.share_with_research_epoch_ms
                    then 'before_research_consent'
            {%- endif %}
            when lines.copy_number > 1 then 'duplicate_reading'
            when trusted_rows.accelerometer_reading_id is not null then 'trusted_reading'
            else 'unaccounted'
        end as outcome_reason,
        -- a forgotten customer's line is excluded by that rule, not rejected
        coalesce(lines.rejection_reason <> 'forgotten', false) as is_rejected
    from lines
    left join {{ ref('accelerometer_trusted') }} as trusted_rows
        on lines.accelerometer_reading_id = trusted_rows.accelerometer_reading_id
)

select
    source_file,
    raw_line,
    {{ landing_outcome('is_rejected', 'outcome_reason') }} as outcome,
    outcome_reason
from classified

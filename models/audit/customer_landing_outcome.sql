-- One row per landing line of customer/landing/ with its outcome: `trusted`
-- (the current record of a consenting customer), `excluded` (with the rule) or
-- `rejected` (with the reason). Accounts for every line. `held_out_reason`
-- marks every line of a customer held out on doubt (customer_landing_current),
-- the unreadable record that holds them out included.
with lines as (
    select
        landing.source_file,
        landing.raw_line,
        landing.rejection_reason,
        customers.held_out_reason,
        trusted_rows.customer_id is not null as is_consenting,
        -- the customer's current record, by the columns customer_trusted
        -- builds source_record_id from
        landing.source_file = customers.source_file
        and landing.raw_line = customers.raw_line as is_current_record,
        row_number() over (
            partition by landing.source_file, landing.raw_line
        ) as copy_number
    from {{ ref('customer_landing_typed') }} as landing
    left join {{ ref('customer_landing_current') }} as customers
        on landing.email_key = customers.email_key
    left join {{ ref('customer_trusted') }} as trusted_rows
        on landing.email_key = trusted_rows.email
),

classified as (
    select
        source_file,
        raw_line,
        rejection_reason,
        held_out_reason,
        case
            when rejection_reason is not null then rejection_reason
            when held_out_reason is not null then held_out_reason
            when not is_consenting then 'no_research_consent'
            when copy_number > 1 then 'duplicate_record'
            when is_current_record then 'current_consenting_record'
            else 'superseded_record'
        end as outcome_reason
    from lines
)

select
    source_file,
    raw_line,
    {{ landing_outcome('rejection_reason', 'outcome_reason') }} as outcome,
    outcome_reason,
    held_out_reason
from classified

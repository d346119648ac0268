-- One row per landing line of customer/landing/ with its outcome: `trusted`
-- (the current record of a consenting customer), `excluded` (with the rule) or
-- `rejected` (with the reason). Accounts for every line. `held_out_reason`
-- marks every line of a customer held out on doubt (customer_landing_current),
-- the unreadable record that holds them out included.
with lines as (
    select
        source_file,
        raw_line,
        email_key,
        rejection_reason,
        {{ surrogate_key(['source_file', 'raw_line']) }} as source_record_id,
        row_number() over (partition by source_file, raw_line) as copy_number
    from {{ ref('customer_landing_typed') }}
),

classified as (
    select
        lines.source_file,
        lines.raw_line,
        case
            when lines.rejection_reason = 'forgotten' then 'excluded'
            when lines.rejection_reason is not null then 'rejected'
            when trusted_rows.customer_id is null then 'excluded'
            when lines.copy_number > 1 then 'excluded'
            when lines.source_record_id = trusted_rows.source_record_id then 'trusted'
            else 'excluded'
        end as outcome,
        case
            when lines.rejection_reason is not null then lines.rejection_reason
            when customers.consent_status like 'held_out_%' then customers.consent_status
            when trusted_rows.customer_id is null then 'no_research_consent'
            when lines.copy_number > 1 then 'duplicate_record'
            when lines.source_record_id = trusted_rows.source_record_id
                then 'current_consenting_record'
            else 'superseded_record'
        end as outcome_reason,
        case
            when customers.consent_status like 'held_out_%' then customers.consent_status
        end as held_out_reason
    from lines
    left join {{ ref('customer_landing_current') }} as customers
        on lines.email_key = customers.email_key
    left join {{ ref('customer_trusted') }} as trusted_rows
        on lines.email_key = trusted_rows.email
)

select * from classified

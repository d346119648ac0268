-- One row per customer who currently consents to research.
-- A customer is an email (trimmed, case-insensitive); the current record is the
-- usable one with the latest lastUpdateDate, and it must grant research consent.
with ranked as (
    select
        *,
        row_number() over (
            partition by email_key
            order by last_update_epoch_ms desc, source_file desc, raw_line desc
        ) as recency_rank
    from {{ ref('customer_landing_typed') }}
    where rejection_reason is null
),

current_record as (
    select * from ranked
    where recency_rank = 1
)

select
    {{ customer_id('email_key') }} as customer_id,
    {{ surrogate_key(['source_file', 'raw_line']) }} as source_record_id,
    email_key as email,
    customer_name,
    phone,
    birth_day,
    serial_number,
    {{ epoch_ms_to_timestamp('registration_epoch_ms') }} as registered_at,
    {{ epoch_ms_to_timestamp('last_update_epoch_ms') }} as last_updated_at,
    share_with_research_epoch_ms,
    {{ epoch_ms_to_timestamp('share_with_research_epoch_ms') }} as research_consent_at,
    {{ epoch_ms_to_timestamp('share_with_public_epoch_ms') }} as public_consent_at,
    {{ epoch_ms_to_timestamp('share_with_friends_epoch_ms') }} as friends_consent_at
from current_record
where {{ has_research_consent('share_with_research_epoch_ms') }}

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
    from "iceberg"."stedi_landing"."customer_landing_typed"
    where rejection_reason is null
),

current_record as (
    select * from ranked
    where recency_rank = 1
)

select
    to_hex(sha256(to_utf8(email_key))) as customer_id,
    to_hex(md5(to_utf8(coalesce(cast(source_file as varchar), '<null>') || '|' || coalesce(cast(raw_line as varchar), '<null>')))) as source_record_id,
    email_key as email,
    customer_name,
    phone,
    birth_day,
    serial_number,
    cast(
        date_add('millisecond', registration_epoch_ms % 1000, from_unixtime(registration_epoch_ms / 1000))
        at time zone 'UTC' as timestamp(6)
    ) as registered_at,
    cast(
        date_add('millisecond', last_update_epoch_ms % 1000, from_unixtime(last_update_epoch_ms / 1000))
        at time zone 'UTC' as timestamp(6)
    ) as last_updated_at,
    share_with_research_epoch_ms,
    cast(
        date_add('millisecond', share_with_research_epoch_ms % 1000, from_unixtime(share_with_research_epoch_ms / 1000))
        at time zone 'UTC' as timestamp(6)
    ) as research_consent_at,
    cast(
        date_add('millisecond', share_with_public_epoch_ms % 1000, from_unixtime(share_with_public_epoch_ms / 1000))
        at time zone 'UTC' as timestamp(6)
    ) as public_consent_at,
    cast(
        date_add('millisecond', share_with_friends_epoch_ms % 1000, from_unixtime(share_with_friends_epoch_ms / 1000))
        at time zone 'UTC' as timestamp(6)
    ) as friends_consent_at
from current_record
where (share_with_research_epoch_ms is not null and share_with_research_epoch_ms <> 0)
-- The consent rules this applies are stated in customer_landing_current.yml.

with records as (
    -- every line that names a customer: usable, or unreadable as above
    select
        *,
        rejection_reason is null as is_usable,
        -- the privacy policy: a record grants research consent when its
        -- shareWithResearchAsOfDate holds a timestamp (not null, not 0)
        coalesce(share_with_research_epoch_ms <> 0, false) as has_research_consent
    from {{ ref('customer_landing_typed') }}
    where
        rejection_reason is null
        or rejection_reason in ('invalid_last_update_date', 'invalid_research_consent_date')
),

latest as (
    select
        email_key,
        max(case when is_usable then last_update_epoch_ms end) as latest_epoch_ms
    from records
    group by email_key
),

doubts as (
    -- deny on doubt: the reason a customer is held out, null when none
    select
        records.email_key,
        case
            when count_if(
                not records.is_usable
                and (
                    records.last_update_epoch_ms is null
                    or latest.latest_epoch_ms is null
                    or records.last_update_epoch_ms >= latest.latest_epoch_ms
                )
            ) > 0 then 'held_out_unreadable_record'
            when count(distinct case
                when records.is_usable and records.last_update_epoch_ms = latest.latest_epoch_ms
                    then case
                        when records.has_research_consent then records.share_with_research_epoch_ms
                        else 0
                    end
            end) > 1 then 'held_out_consent_tie'
        end as held_out_reason
    from records
    inner join latest on records.email_key = latest.email_key
    group by records.email_key
),

ranked as (
    select
        *,
        row_number() over (
            partition by email_key
            order by last_update_epoch_ms desc, source_file desc, raw_line desc
        ) as recency_rank
    from records
    where is_usable
)

select
    doubts.email_key,
    {{ customer_id('doubts.email_key') }} as customer_id,
    ranked.source_file,
    ranked.raw_line,
    ranked.customer_name,
    ranked.phone,
    ranked.birth_day,
    ranked.serial_number,
    ranked.registration_epoch_ms,
    ranked.last_update_epoch_ms,
    ranked.share_with_research_epoch_ms,
    ranked.share_with_public_epoch_ms,
    ranked.share_with_friends_epoch_ms,
    case
        when doubts.held_out_reason is not null then doubts.held_out_reason
        when ranked.has_research_consent then 'consenting'
        else 'no_research_consent'
    end as consent_status,
    doubts.held_out_reason
from doubts
left join ranked
    on
        doubts.email_key = ranked.email_key
        and ranked.recency_rank = 1

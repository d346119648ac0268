-- One row per landing line of customer/landing/, parsed and typed, with the
-- reason the line is rejected (null when usable). No line is dropped here.
with lines as (
    select
        "$path" as source_file,
        "$file_modified_time" as source_file_modified_at,
        raw_line,
        (try(cast(json_parse(raw_line) as map(varchar, json))) is not null) as is_json_object,
        json_extract_scalar(raw_line, '$.email') as email,
        json_extract_scalar(raw_line, '$.customerName') as customer_name,
        json_extract_scalar(raw_line, '$.phone') as phone,
        json_extract_scalar(raw_line, '$.birthDay') as birth_day,
        json_extract_scalar(raw_line, '$.serialNumber') as serial_number,
        json_extract_scalar(raw_line, '$.shareWithResearchAsOfDate')
            as share_with_research_text,
        try_cast(json_extract_scalar(raw_line, '$.registrationDate') as bigint) as registration_epoch_ms,
        try_cast(json_extract_scalar(raw_line, '$.lastUpdateDate') as bigint) as last_update_epoch_ms,
        try_cast(json_extract_scalar(raw_line, '$.shareWithResearchAsOfDate') as bigint)
            as share_with_research_epoch_ms,
        try_cast(json_extract_scalar(raw_line, '$.shareWithPublicAsOfDate') as bigint)
            as share_with_public_epoch_ms,
        try_cast(json_extract_scalar(raw_line, '$.shareWithFriendsAsOfDate') as bigint)
            as share_with_friends_epoch_ms
    from "hive"."stedi_landing"."customer_landing"
)

select
    source_file,
    source_file_modified_at,
    raw_line,
    customer_name,
    email,
    lower(trim(email)) as email_key,
    phone,
    birth_day,
    serial_number,
    registration_epoch_ms,
    last_update_epoch_ms,
    share_with_research_epoch_ms,
    share_with_public_epoch_ms,
    share_with_friends_epoch_ms,
    case
        when not is_json_object then 'malformed_json'
        when coalesce(lower(trim(email)), '') = '' then 'missing_email'
        when last_update_epoch_ms is null then 'invalid_last_update_date'
        when
            share_with_research_text is not null
            and share_with_research_epoch_ms is null then 'invalid_research_consent_date'
    end as rejection_reason
from lines
-- One row per landing line of customer/landing/, parsed and typed.
-- Unparseable values become null here; the trusted models decide what to keep.
select
    "$path" as source_file,
    raw_line,
    json_extract_scalar(raw_line, '$.customerName') as customer_name,
    json_extract_scalar(raw_line, '$.email') as email,
    {{ normalize_email("json_extract_scalar(raw_line, '$.email')") }} as email_key,
    json_extract_scalar(raw_line, '$.phone') as phone,
    json_extract_scalar(raw_line, '$.birthDay') as birth_day,
    json_extract_scalar(raw_line, '$.serialNumber') as serial_number,
    try_cast(json_extract_scalar(raw_line, '$.registrationDate') as bigint)
        as registration_epoch_ms,
    try_cast(json_extract_scalar(raw_line, '$.lastUpdateDate') as bigint)
        as last_update_epoch_ms,
    try_cast(json_extract_scalar(raw_line, '$.shareWithResearchAsOfDate') as bigint)
        as share_with_research_epoch_ms,
    try_cast(json_extract_scalar(raw_line, '$.shareWithPublicAsOfDate') as bigint)
        as share_with_public_epoch_ms,
    try_cast(json_extract_scalar(raw_line, '$.shareWithFriendsAsOfDate') as bigint)
        as share_with_friends_epoch_ms
from {{ source('landing', 'customer_landing') }}

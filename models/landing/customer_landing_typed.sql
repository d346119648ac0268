-- One row per landing line of customer/landing/, parsed and typed.
-- Unparseable values become null here; the trusted models decide what to keep.
with lines as (
    -- json_parse is strict, so a malformed (e.g. truncated) line gets a null doc
    -- and none of its fields is read. json_extract_scalar on the raw text would
    -- read a truncated line's leading fields, and a cut-off number as a number.
    select
        "$path" as source_file,
        raw_line,
        try(json_parse(raw_line)) as doc
    from {{ source('landing', 'customer_landing') }}
)

select
    source_file,
    raw_line,
    json_extract_scalar(doc, '$.customerName') as customer_name,
    json_extract_scalar(doc, '$.email') as email,
    {{ normalize_email("json_extract_scalar(doc, '$.email')") }} as email_key,
    json_extract_scalar(doc, '$.phone') as phone,
    json_extract_scalar(doc, '$.birthDay') as birth_day,
    json_extract_scalar(doc, '$.serialNumber') as serial_number,
    try_cast(json_extract_scalar(doc, '$.registrationDate') as bigint)
        as registration_epoch_ms,
    try_cast(json_extract_scalar(doc, '$.lastUpdateDate') as bigint)
        as last_update_epoch_ms,
    try_cast(json_extract_scalar(doc, '$.shareWithResearchAsOfDate') as bigint)
        as share_with_research_epoch_ms,
    try_cast(json_extract_scalar(doc, '$.shareWithPublicAsOfDate') as bigint)
        as share_with_public_epoch_ms,
    try_cast(json_extract_scalar(doc, '$.shareWithFriendsAsOfDate') as bigint)
        as share_with_friends_epoch_ms
from lines

-- One row per landing line of customer/landing/, parsed and typed.
-- Unparseable values become null here; the trusted models decide what to keep.
with lines as (
    -- Each line is parsed once, strictly, into a map of its scalar fields as
    -- text: a malformed (e.g. truncated) line gets a null doc, so none of its
    -- fields is read. (json_extract_scalar on the raw text reads a truncated
    -- line's leading fields, a cut-off number included; json_parse followed by
    -- json_extract_scalar is right but parses every line six times.)
    select
        "$path" as source_file,
        raw_line,
        try(cast(json_parse(raw_line) as map (varchar, varchar))) as doc
    from {{ source('landing', 'customer_landing') }}
)

select
    lines.source_file,
    lines.raw_line,
    element_at(lines.doc, 'customerName') as customer_name,
    element_at(lines.doc, 'email') as email,
    {{ normalize_email("element_at(lines.doc, 'email')") }} as email_key,
    element_at(lines.doc, 'phone') as phone,
    element_at(lines.doc, 'birthDay') as birth_day,
    element_at(lines.doc, 'serialNumber') as serial_number,
    try_cast(element_at(lines.doc, 'registrationDate') as bigint)
        as registration_epoch_ms,
    try_cast(element_at(lines.doc, 'lastUpdateDate') as bigint)
        as last_update_epoch_ms,
    try_cast(element_at(lines.doc, 'shareWithResearchAsOfDate') as bigint)
        as share_with_research_epoch_ms,
    try_cast(element_at(lines.doc, 'shareWithPublicAsOfDate') as bigint)
        as share_with_public_epoch_ms,
    try_cast(element_at(lines.doc, 'shareWithFriendsAsOfDate') as bigint)
        as share_with_friends_epoch_ms
from lines

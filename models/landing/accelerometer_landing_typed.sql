-- One row per landing line of accelerometer/landing/, parsed and typed.
-- `user` and `timestamp` are reserved words: renamed to email / reading_epoch_ms.
with lines as (
    -- json_parse is strict, so a malformed (e.g. truncated) line gets a null doc
    -- and none of its fields is read. json_extract_scalar on the raw text would
    -- read a truncated line's leading fields, and a cut-off number as a number.
    select
        "$path" as source_file,
        raw_line,
        try(json_parse(raw_line)) as doc
    from {{ source('landing', 'accelerometer_landing') }}
)

select
    source_file,
    raw_line,
    json_extract_scalar(doc, '$.user') as email,
    {{ normalize_email("json_extract_scalar(doc, '$.user')") }} as email_key,
    try_cast(json_extract_scalar(doc, '$.timestamp') as bigint) as reading_epoch_ms,
    try_cast(json_extract_scalar(doc, '$.x') as double) as x,
    try_cast(json_extract_scalar(doc, '$.y') as double) as y,
    try_cast(json_extract_scalar(doc, '$.z') as double) as z
from lines

-- One row per landing line of accelerometer/landing/, parsed and typed.
-- `user` and `timestamp` are reserved words: renamed to email / reading_epoch_ms.
select
    "$path" as source_file,
    raw_line,
    json_extract_scalar(raw_line, '$.user') as email,
    {{ normalize_email("json_extract_scalar(raw_line, '$.user')") }} as email_key,
    try_cast(json_extract_scalar(raw_line, '$.timestamp') as bigint) as reading_epoch_ms,
    try_cast(json_extract_scalar(raw_line, '$.x') as double) as x,
    try_cast(json_extract_scalar(raw_line, '$.y') as double) as y,
    try_cast(json_extract_scalar(raw_line, '$.z') as double) as z
from {{ source('landing', 'accelerometer_landing') }}

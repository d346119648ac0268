-- One row per landing line of accelerometer/landing/, parsed and typed, with
-- the reason the line is rejected (null when usable). No line is dropped here.
-- `user` and `timestamp` are reserved words: renamed to email / reading_epoch_ms.
with lines as (
    select
        "$path" as source_file,
        "$file_modified_time" as source_file_modified_at,
        raw_line,
        (try(cast(json_parse(raw_line) as map(varchar, json))) is not null) as is_json_object,
        json_extract_scalar(raw_line, '$.user') as email,
        try_cast(json_extract_scalar(raw_line, '$.timestamp') as bigint) as reading_epoch_ms,
        try_cast(json_extract_scalar(raw_line, '$.x') as double) as x,
        try_cast(json_extract_scalar(raw_line, '$.y') as double) as y,
        try_cast(json_extract_scalar(raw_line, '$.z') as double) as z
    from "hive"."stedi_landing"."accelerometer_landing"
)

select
    source_file,
    source_file_modified_at,
    raw_line,
    email,
    lower(trim(email)) as email_key,
    reading_epoch_ms,
    x,
    y,
    z,
    case
        when not is_json_object then 'malformed_json'
        when coalesce(lower(trim(email)), '') = '' then 'missing_user'
        when reading_epoch_ms is null then 'invalid_timestamp'
        when x is null or y is null or z is null then 'invalid_xyz'
    end as rejection_reason
from lines
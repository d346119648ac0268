-- One row per landing line of accelerometer/landing/, parsed and typed, with
-- the reason the line is rejected (null when usable). No line is dropped here.
-- `user` and `timestamp` are reserved words: renamed to email / reading_epoch_ms.
with lines as (
    select
        "$path" as source_file,
        "$file_modified_time" as source_file_modified_at,
        raw_line,
        {{ landing_line_is_object('raw_line') }} as is_json_object,
        json_extract_scalar(raw_line, '$.user') as email,
        {{ json_number('raw_line', 'timestamp') }} as reading_epoch_ms,
        {{ json_number('raw_line', 'x', 'double') }} as x,
        {{ json_number('raw_line', 'y', 'double') }} as y,
        {{ json_number('raw_line', 'z', 'double') }} as z
    from {{ source('landing', 'accelerometer_landing') }}
)

select
    source_file,
    source_file_modified_at,
    raw_line,
    email,
    {{ normalize_email('email') }} as email_key,
    reading_epoch_ms,
    x,
    y,
    z,
    case
        when not is_json_object then 'malformed_json'
        when coalesce({{ normalize_email('email') }}, '') = '' then 'missing_user'
        when reading_epoch_ms is null then 'invalid_timestamp'
        when x is null or y is null or z is null then 'invalid_xyz'
    end as rejection_reason
from lines

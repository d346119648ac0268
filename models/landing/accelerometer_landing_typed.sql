-- One row per landing line of accelerometer/landing/, parsed and typed, with
-- the reason the line is rejected (null when usable). No line is dropped here.
-- `user` and `timestamp` are reserved words: renamed to email / reading_epoch_ms.
-- Incremental (folder config in dbt_project.yml): a run parses only the landing
-- files modified since the newest file the table holds (a file delivered again
-- replaces its earlier lines).
-- The raw line is kept for rejected lines only (usable lines are fully
-- described by their typed columns).
with lines as (
    select {{ landing_line_columns() }}
    from {{ source('landing', 'accelerometer_landing') }}
    where {{ new_landing_files() }}
),

checked as (
    select
        *,
        {{ is_forgotten_customer(json_field('doc', 'user'), 'raw_line') }}
            as is_forgotten
    from lines
),

screened as (
    -- a forgotten customer's line (stedi forget) keeps its file and time only
    select
        source_file,
        source_file_modified_at,
        has_field_delimiter,
        is_forgotten,
        case when not is_forgotten then raw_line end as raw_line,
        case when not is_forgotten then doc end as doc
    from checked
),

fields as (
    select
        source_file,
        source_file_modified_at,
        raw_line,
        has_field_delimiter,
        is_forgotten,
        doc,
        {{ json_field('doc', 'user') }} as email,
        {{ json_field('doc', 'timestamp', 'bigint') }} as reading_epoch_ms,
        {{ json_field('doc', 'x', 'double') }} as x,
        {{ json_field('doc', 'y', 'double') }} as y,
        {{ json_field('doc', 'z', 'double') }} as z
    from screened
),

classified as (
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
            when is_forgotten then 'forgotten'
            when has_field_delimiter then 'field_delimiter_in_line'
            when doc is null then 'malformed_json'
            when coalesce({{ normalize_email('email') }}, '') = '' then 'missing_user'
            when reading_epoch_ms is null then 'invalid_timestamp'
            when x is null or y is null or z is null then 'invalid_xyz'
        end as rejection_reason
    from fields
)

select
    source_file,
    source_file_modified_at,
    case when rejection_reason is not null then raw_line end as raw_line,
    email,
    email_key,
    reading_epoch_ms,
    x,
    y,
    z,
    rejection_reason,
    {{ run_loaded_at() }} as loaded_at
from classified

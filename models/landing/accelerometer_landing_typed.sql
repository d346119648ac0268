-- One row per landing line of accelerometer/landing/, parsed and typed, with
-- the reason the line is rejected (null when usable). No line is dropped here.
-- `user` and `timestamp` are reserved words: renamed to email / reading_epoch_ms.
-- `doc.field` is a field of the parsed line, not a table reference:
-- noqa: disable=RF03
{{ config(s3_data_dir=lake_location('accelerometer/landing_typed')) }}
with lines as (
    {{ landing_lines(source('landing', 'accelerometer_landing'),
                     fields=[('user', 'varchar'), ('timestamp', 'bigint'),
                             ('x', 'double'), ('y', 'double'), ('z', 'double')],
                     email='user') }}
),

fields as (
    select
        source_file,
        source_file_modified_at,
        raw_line,
        line_rejection_reason,
        doc.user as email,
        {{ normalize_email('doc.user') }} as email_key,
        doc.timestamp as reading_epoch_ms,
        doc.x,
        doc.y,
        doc.z
    from lines
),

classified as (
    select
        *,
        case
            when line_rejection_reason is not null then line_rejection_reason
            when coalesce(email_key, '') = '' then 'missing_user'
            when reading_epoch_ms is null then 'invalid_timestamp'
            when x is null or y is null or z is null then 'invalid_xyz'
        end as rejection_reason
    from fields
),

final as (
    -- a usable line is fully described by its typed columns: its text is kept
    -- for rejected lines only
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
        rejection_reason
    from classified
)

select * from final

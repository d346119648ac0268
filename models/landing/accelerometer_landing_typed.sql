-- One row per landing line of accelerometer/landing/, parsed and typed, with
-- the reason the line is rejected (null when usable). No line is dropped here.
-- `user` and `timestamp` are reserved words: renamed to email / reading_epoch_ms.
-- Incremental (folder config in dbt_project.yml): a run parses only the landing
-- files the table does not hold yet (a file delivered again replaces its earlier
-- lines).
-- The raw line is kept for rejected lines only (usable lines are fully
-- described by their typed columns).
-- A line is read by a guarded cast to a row where that provably reads it as the
-- map path does, else through the map (landing_sensor_lines, json_field).
-- `row_doc.field` is a field of that row, not a table reference:
-- noqa: disable=RF03
{{ config(s3_data_dir=lake_location('accelerometer/landing_typed')) }}
{%- set fields = [('user', 'varchar'), ('timestamp', 'bigint'),
    ('x', 'double'), ('y', 'double'), ('z', 'double')] %}
{%- set user_field = json_field('doc', 'user', row='row_doc') %}
with lines as (
    {{ landing_sensor_lines(source('landing', 'accelerometer_landing'), fields) }}
),

screened as (
    -- a forgotten customer's line (stedi forget) keeps its file and time only
    {{ screen_forgotten_lines('lines', user_field, ['row_doc', 'doc']) }}
),

fields as (
    select
        source_file,
        source_file_modified_at,
        raw_line,
        has_field_delimiter,
        is_forgotten,
        row_doc is null and doc is null as is_malformed,
        {{ user_field }} as email,
        {{ json_field('doc', 'timestamp', 'bigint', row='row_doc') }} as reading_epoch_ms,
        {{ json_field('doc', 'x', 'double', row='row_doc') }} as x,
        {{ json_field('doc', 'y', 'double', row='row_doc') }} as y,
        {{ json_field('doc', 'z', 'double', row='row_doc') }} as z
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
            when is_malformed then 'malformed_json'
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

-- One row per landing line of step_trainer/landing/, parsed and typed, with
-- the reason the line is rejected (null when usable). No line is dropped here.
-- Incremental (folder config in dbt_project.yml): a run parses only the landing
-- files the table does not hold yet (a file delivered again replaces its earlier
-- lines).
-- The raw line is kept for rejected lines only (usable lines are fully
-- described by their typed columns).
-- A line is read by a guarded cast to a row where that provably reads it as the
-- map path does, else through the map (landing_sensor_lines, json_field).
-- `row_doc.field` is a field of that row, not a table reference:
-- noqa: disable=RF03
{{ config(s3_data_dir=lake_location('step_trainer/landing_typed')) }}
{%- set fields = [('serialNumber', 'varchar'), ('sensorReadingTime', 'bigint'),
    ('distanceFromObject', 'double')] %}
with lines as (
    {{ landing_sensor_lines(source('landing', 'step_trainer_landing'), fields) }}
),

fields as (
    select
        source_file,
        source_file_modified_at,
        raw_line,
        has_field_delimiter,
        row_doc is null and doc is null as is_malformed,
        {{ json_field('doc', 'serialNumber', row='row_doc') }} as serial_number,
        {{ json_field('doc', 'sensorReadingTime', 'bigint', row='row_doc') }}
            as sensor_reading_epoch_ms,
        {{ json_field('doc', 'distanceFromObject', 'double', row='row_doc') }}
            as distance_from_object
    from lines
),

classified as (
    select
        source_file,
        source_file_modified_at,
        raw_line,
        serial_number,
        sensor_reading_epoch_ms,
        distance_from_object,
        case
            when has_field_delimiter then 'field_delimiter_in_line'
            when is_malformed then 'malformed_json'
            when coalesce(trim(serial_number), '') = '' then 'missing_serial_number'
            when sensor_reading_epoch_ms is null then 'invalid_sensor_reading_time'
            when distance_from_object is null then 'invalid_distance_from_object'
        end as rejection_reason
    from fields
)

select
    source_file,
    source_file_modified_at,
    case when rejection_reason is not null then raw_line end as raw_line,
    serial_number,
    sensor_reading_epoch_ms,
    distance_from_object,
    rejection_reason,
    {{ run_loaded_at() }} as loaded_at
from classified

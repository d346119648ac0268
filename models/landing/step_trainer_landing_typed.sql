-- One row per landing line of step_trainer/landing/, parsed and typed, with
-- the reason the line is rejected (null when usable). No line is dropped here.
with lines as (
    select {{ landing_line_columns() }}
    from {{ source('landing', 'step_trainer_landing') }}
),

fields as (
    select
        source_file,
        source_file_modified_at,
        raw_line,
        doc,
        {{ json_field('doc', 'serialNumber') }} as serial_number,
        {{ json_field('doc', 'sensorReadingTime', 'bigint') }} as sensor_reading_epoch_ms,
        {{ json_field('doc', 'distanceFromObject', 'double') }} as distance_from_object
    from lines
)

select
    source_file,
    source_file_modified_at,
    raw_line,
    serial_number,
    sensor_reading_epoch_ms,
    distance_from_object,
    case
        when doc is null then 'malformed_json'
        when coalesce(trim(serial_number), '') = '' then 'missing_serial_number'
        when sensor_reading_epoch_ms is null then 'invalid_sensor_reading_time'
        when distance_from_object is null then 'invalid_distance_from_object'
    end as rejection_reason
from fields

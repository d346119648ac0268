-- One row per landing line of step_trainer/landing/, parsed and typed, with
-- the reason the line is rejected (null when usable). No line is dropped here.
with lines as (
    select
        "$path" as source_file,
        "$file_modified_time" as source_file_modified_at,
        raw_line,
        {{ landing_line_is_object('raw_line') }} as is_json_object,
        json_extract_scalar(raw_line, '$.serialNumber') as serial_number,
        {{ json_number('raw_line', 'sensorReadingTime') }} as sensor_reading_epoch_ms,
        {{ json_number('raw_line', 'distanceFromObject', 'double') }}
            as distance_from_object
    from {{ source('landing', 'step_trainer_landing') }}
)

select
    source_file,
    source_file_modified_at,
    raw_line,
    serial_number,
    sensor_reading_epoch_ms,
    distance_from_object,
    case
        when not is_json_object then 'malformed_json'
        when coalesce(trim(serial_number), '') = '' then 'missing_serial_number'
        when sensor_reading_epoch_ms is null then 'invalid_sensor_reading_time'
        when distance_from_object is null then 'invalid_distance_from_object'
    end as rejection_reason
from lines

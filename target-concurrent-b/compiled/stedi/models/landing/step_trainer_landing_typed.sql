-- One row per landing line of step_trainer/landing/, parsed and typed, with
-- the reason the line is rejected (null when usable). No line is dropped here.
with lines as (
    select
        "$path" as source_file,
        "$file_modified_time" as source_file_modified_at,
        raw_line,
        (try(cast(json_parse(raw_line) as map(varchar, json))) is not null) as is_json_object,
        json_extract_scalar(raw_line, '$.serialNumber') as serial_number,
        try_cast(json_extract_scalar(raw_line, '$.sensorReadingTime') as bigint) as sensor_reading_epoch_ms,
        try_cast(json_extract_scalar(raw_line, '$.distanceFromObject') as double)
            as distance_from_object
    from "hive"."stedi_landing"."step_trainer_landing"
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
-- One row per landing line of step_trainer/landing/, parsed and typed.
select
    "$path" as source_file,
    raw_line,
    json_extract_scalar(raw_line, '$.serialNumber') as serial_number,
    try_cast(json_extract_scalar(raw_line, '$.sensorReadingTime') as bigint)
        as sensor_reading_epoch_ms,
    try_cast(json_extract_scalar(raw_line, '$.distanceFromObject') as double)
        as distance_from_object
from {{ source('landing', 'step_trainer_landing') }}

-- One row per landing line of step_trainer/landing/, parsed and typed.
with lines as (
    -- json_parse is strict, so a malformed (e.g. truncated) line gets a null doc
    -- and none of its fields is read. json_extract_scalar on the raw text would
    -- read a truncated line's leading fields, and a cut-off number as a number.
    select
        "$path" as source_file,
        raw_line,
        try(json_parse(raw_line)) as doc
    from {{ source('landing', 'step_trainer_landing') }}
)

select
    source_file,
    raw_line,
    json_extract_scalar(doc, '$.serialNumber') as serial_number,
    try_cast(json_extract_scalar(doc, '$.sensorReadingTime') as bigint)
        as sensor_reading_epoch_ms,
    try_cast(json_extract_scalar(doc, '$.distanceFromObject') as double)
        as distance_from_object
from lines

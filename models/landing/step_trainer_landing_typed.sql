-- One row per landing line of step_trainer/landing/, parsed and typed.
with lines as (
    -- Each line is parsed once, strictly, into a map of its scalar fields as
    -- text: a malformed (e.g. truncated) line gets a null doc, so none of its
    -- fields is read. (json_extract_scalar on the raw text reads a truncated
    -- line's leading fields, a cut-off number included; json_parse followed by
    -- json_extract_scalar is right but parses every line six times.)
    select
        "$path" as source_file,
        raw_line,
        try(cast(json_parse(raw_line) as map (varchar, varchar))) as doc
    from {{ source('landing', 'step_trainer_landing') }}
)

select
    lines.source_file,
    lines.raw_line,
    element_at(lines.doc, 'serialNumber') as serial_number,
    try_cast(element_at(lines.doc, 'sensorReadingTime') as bigint)
        as sensor_reading_epoch_ms,
    try_cast(element_at(lines.doc, 'distanceFromObject') as double)
        as distance_from_object
from lines

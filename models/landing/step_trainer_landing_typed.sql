-- One row per landing line of step_trainer/landing/, parsed and typed, with
-- the reason the line is rejected (null when usable). No line is dropped here.
-- `doc.field` is a field of the parsed line, not a table reference:
-- noqa: disable=RF03
{{ config(s3_data_dir=lake_location('step_trainer/landing_typed')) }}
with lines as (
    {{ landing_lines(source('landing', 'step_trainer_landing'),
                     fields=[('serialNumber', 'varchar'), ('sensorReadingTime', 'bigint'),
                             ('distanceFromObject', 'double')]) }}
),

fields as (
    select
        source_file,
        source_file_modified_at,
        raw_line,
        line_rejection_reason,
        doc.serialnumber as serial_number,
        doc.sensorreadingtime as sensor_reading_epoch_ms,
        doc.distancefromobject as distance_from_object
    from lines
),

classified as (
    select
        *,
        case
            when line_rejection_reason is not null then line_rejection_reason
            when coalesce(trim(serial_number), '') = '' then 'missing_serial_number'
            when sensor_reading_epoch_ms is null then 'invalid_sensor_reading_time'
            when distance_from_object is null then 'invalid_distance_from_object'
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
        serial_number,
        sensor_reading_epoch_ms,
        distance_from_object,
        rejection_reason
    from classified
)

select * from final

-- One row per distinct step-trainer reading attributed to one customers_curated
-- customer: the reading's serial number is the customer's, and the customer's
-- phone has a reading at the same timestamp (the phone_owners macro). Serial
-- numbers were reused by the fulfilment site, so a reading that would fit two
-- customers is left out.
{{ config(
    s3_data_dir=lake_location('step_trainer/trusted'),
    full_refresh=none if follows_the_landing_delta() else true,
    pre_hook="{% if is_incremental() %}delete from {{ this }}
              where {{ rewritten_rows('serial_number') }}{% endif %}"
) }}
-- depends_on: {{ ref('customer_landing_typed') }}, {{ ref('accelerometer_landing_typed') }},
-- {{ ref('step_trainer_landing_typed') }}
{%- set daily = follows_the_landing_delta() and is_incremental() %}
with lines as (
    select *
    from {{ ref('step_trainer_landing_typed') }}
    {%- if daily %}
        where {{ rewritten_rows('serial_number') }}
    {%- endif %}
),

readings as (
    select
        serial_number,
        sensor_reading_epoch_ms,
        distance_from_object,
        max(source_file_modified_at) as landing_file_modified_at
    from lines
    where rejection_reason is null
    group by serial_number, sensor_reading_epoch_ms, distance_from_object
),

owners as (
    {{ phone_owners(rewritten_rows('serial_number') if daily) }}
)

select
    {{ surrogate_key(['readings.serial_number', 'readings.sensor_reading_epoch_ms',
                      'readings.distance_from_object']) }} as step_trainer_reading_id,
    owners.customer_id,
    readings.serial_number,
    readings.sensor_reading_epoch_ms,
    {{ epoch_ms_to_timestamp('readings.sensor_reading_epoch_ms') }} as sensor_reading_at,
    readings.distance_from_object,
    readings.landing_file_modified_at
from readings
inner join owners
    on
        readings.serial_number = owners.serial_number
        and readings.sensor_reading_epoch_ms = owners.reading_epoch_ms
where owners.has_one_owner

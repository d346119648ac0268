-- One row per step_trainer_trusted reading paired with one accelerometer_trusted
-- reading of the same customer at the same timestamp. No direct identifiers:
-- the customer appears only as the pseudonymous customer_id.
{{ config(
    s3_data_dir=lake_location('machine_learning/curated'),
    full_refresh=none if follows_the_landing_delta() else true,
    pre_hook="{% if is_incremental() %}delete from {{ this }}
              where {{ rewritten_rows('serial_number') }}{% endif %}"
) }}
-- depends_on: {{ ref('customer_landing_typed') }}, {{ ref('accelerometer_landing_typed') }},
-- {{ ref('step_trainer_landing_typed') }}
with steps as (
    select *
    from {{ ref('step_trainer_trusted') }}
    {%- if follows_the_landing_delta() and is_incremental() %}
        where {{ rewritten_rows('serial_number') }}
    {%- endif %}
)

select
    {{ surrogate_key(['steps.step_trainer_reading_id', 'phone.accelerometer_reading_id']) }}
        as machine_learning_reading_id,
    steps.customer_id,
    steps.step_trainer_reading_id,
    phone.accelerometer_reading_id,
    steps.serial_number,
    steps.sensor_reading_epoch_ms as reading_epoch_ms,
    steps.sensor_reading_at as reading_at,
    steps.distance_from_object,
    phone.x,
    phone.y,
    phone.z
-- the readings being written on the join's right: on a daily run Trino cannot estimate
-- their slice, and builds its hash table from the right side (docs/incremental.md)
from {{ ref('accelerometer_trusted') }} as phone
inner join steps
    on
        phone.customer_id = steps.customer_id
        and phone.reading_epoch_ms = steps.sensor_reading_epoch_ms

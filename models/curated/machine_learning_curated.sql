-- One row per step_trainer_trusted reading paired with one accelerometer_trusted
-- reading of the same customer at the same timestamp. No direct identifiers:
-- the customer appears only as the pseudonymous customer_id.
-- Incremental: pairs involving a reading loaded since the table's last load;
-- a post-hook deletes pairs whose readings left the trusted tables.
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='machine_learning_reading_id',
    on_schema_change='fail',
    post_hook="{{ delete_orphaned_machine_learning_rows(this) }}",
) }}

{#- incremental runs: pairs with a Step Trainer reading loaded since the last
    load, and pairs with a phone reading loaded since then; each side's filter
    reaches its table scan, so neither join reads the whole of both tables #}
{%- set changed = ['true'] -%}
{%- if is_incremental() -%}
    {%- set watermark = incremental_watermark('loaded_at') -%}
    {%- set changed = ['steps.loaded_at > ' ~ watermark,
                       'phone.loaded_at > ' ~ watermark] -%}
{%- endif %}

with pairs as (
    {%- for filter in changed %}
        select
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
        from {{ ref('step_trainer_trusted') }} as steps
        inner join {{ ref('accelerometer_trusted') }} as phone
            on
                steps.customer_id = phone.customer_id
                and steps.sensor_reading_epoch_ms = phone.reading_epoch_ms
        where {{ filter }}
        {%- if not loop.last %}
            union distinct
        {%- endif %}
    {%- endfor %}
)

select
    {{ surrogate_key(['step_trainer_reading_id', 'accelerometer_reading_id']) }}
        as machine_learning_reading_id,
    customer_id,
    step_trainer_reading_id,
    accelerometer_reading_id,
    serial_number,
    reading_epoch_ms,
    reading_at,
    distance_from_object,
    x,
    y,
    z,
    {{ run_loaded_at() }} as loaded_at
from pairs

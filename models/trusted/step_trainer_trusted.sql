-- One row per distinct step-trainer reading attributed to one customers_curated
-- customer: the reading's serial number is the customer's, and the customer's
-- phone has a reading at the same timestamp. Serial numbers were reused by the
-- fulfilment site, so a reading that would fit two customers is left out.
-- Incremental: a run reads landing files newer than the table's watermark,
-- plus the readings of serials whose customers got phone readings since the
-- table's last load, plus the readings of serials that more than one customer
-- record claims (whether such a reading fits one customer changes when one of
-- them gains or loses consent); only readings not already held for the same
-- customer are written. A post-hook deletes rows that no longer qualify.
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='step_trainer_reading_id',
    on_schema_change='fail',
    post_hook="{{ delete_unattributable_step_readings(this) }}",
) }}
-- depends_on: {{ ref('customer_trusted') }}

{#- incremental runs: readings in new files, the readings of serials whose
    customers got phone readings since this table was last loaded, and the
    readings of serials claimed by several customer records #}
{%- set new_or_reattributed -%}
    (landing.source_file_modified_at
        > {{ incremental_watermark('landing_file_modified_at') if is_incremental() }}
        or landing.serial_number in (
            select customers.serial_number
            from {{ ref('customers_curated') }} as customers
            inner join {{ ref('accelerometer_trusted') }} as phone
                on customers.customer_id = phone.customer_id
            where phone.loaded_at > {{ incremental_watermark('loaded_at') if is_incremental() }}
        )
        or landing.serial_number in (
            select records.serial_number
            from {{ ref('customer_landing_typed') }} as records
            where records.rejection_reason is null
            group by records.serial_number
            having count(distinct records.email_key) > 1
        ))
{%- endset %}

with readings as (
    select
        landing.serial_number,
        landing.sensor_reading_epoch_ms,
        landing.distance_from_object,
        max(landing.source_file_modified_at) as source_file_modified_at
    from {{ ref('step_trainer_landing_typed') }} as landing
    where
        landing.rejection_reason is null
        and {{ new_or_reattributed if is_incremental() else 'true' }}
    group by
        landing.serial_number,
        landing.sensor_reading_epoch_ms,
        landing.distance_from_object
),

attributed as (
    select
        readings.*,
        customers.customer_id,
        count(*) over (
            partition by
                readings.serial_number, readings.sensor_reading_epoch_ms,
                readings.distance_from_object
        ) as candidate_customers
    from readings
    inner join {{ ref('customers_curated') }} as customers
        on readings.serial_number = customers.serial_number
    where exists (
        select 1
        from {{ ref('accelerometer_trusted') }} as phone
        where
            phone.customer_id = customers.customer_id
            and phone.reading_epoch_ms = readings.sensor_reading_epoch_ms
    )
),

attributed_readings as (
    select
        {{ surrogate_key(['serial_number', 'sensor_reading_epoch_ms',
                          'distance_from_object']) }} as step_trainer_reading_id,
        customer_id,
        serial_number,
        sensor_reading_epoch_ms,
        {{ epoch_ms_to_timestamp('sensor_reading_epoch_ms') }} as sensor_reading_at,
        distance_from_object,
        source_file_modified_at as landing_file_modified_at,
        {{ run_loaded_at() }} as loaded_at
    from attributed
    where candidate_customers = 1
)

select * from attributed_readings
{% if is_incremental() -%}
    {#- a reading already held for the same customer is not written again #}
    where not exists (
        select 1
        from {{ this }} as held
        where
            held.step_trainer_reading_id = attributed_readings.step_trainer_reading_id
            and held.customer_id = attributed_readings.customer_id
    )
{%- endif %}

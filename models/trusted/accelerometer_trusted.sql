-- One row per distinct accelerometer reading (customer, time, x, y, z) of a
-- customer_trusted customer; a reading delivered twice appears once.
-- Incremental: a run reads landing files newer than the table's watermark,
-- plus all lines of customers whose consent is new or changed; a post-hook
-- deletes the rows of customers who no longer consent.
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='accelerometer_reading_id',
    on_schema_change='fail',
    post_hook=[
        "{{ delete_rows_without_consent(this) }}",
        "{{ delete_rows_read_before_consent(this, 'reading_epoch_ms') }}",
    ],
) }}

{#- customers whose consent is new or re-dated since the table last saw them #}
{%- set reload_sql -%}
    select customers.customer_id
    from {{ ref('customer_trusted') }} as customers
    left join (
        select distinct customer_id, consent_version from {{ this }}
    ) as seen
        on customers.customer_id = seen.customer_id
        and customers.share_with_research_epoch_ms = seen.consent_version
    where seen.customer_id is null
{%- endset -%}
{%- set reloading = is_incremental() and execute and run_query(
    'select count(*) from (' ~ reload_sql ~ ')').columns[0].values()[0] > 0 -%}
{#- incremental runs: lines in new files, and all lines of reloaded customers #}
{%- set new_or_reloaded -%}
    (landing.source_file_modified_at
        > {{ incremental_watermark('landing_file_modified_at') if is_incremental() }}
        or {{ 'customers.customer_id in (' ~ reload_sql ~ ')' if reloading else 'false' }})
{%- endset %}

with customers as (
    select
        customer_id,
        email,
        share_with_research_epoch_ms
    from {{ ref('customer_trusted') }}
),

lines as (
    select
        customers.customer_id,
        customers.share_with_research_epoch_ms as consent_version,
        landing.reading_epoch_ms,
        landing.x,
        landing.y,
        landing.z,
        landing.source_file_modified_at
    from {{ ref('accelerometer_landing_typed') }} as landing
    inner join customers
        on landing.email_key = customers.email
    where
        landing.rejection_reason is null
        and {{ 'landing.reading_epoch_ms >= customers.share_with_research_epoch_ms'
               if var('strict_consent') else 'true' }}
        and {{ new_or_reloaded if is_incremental() else 'true' }}
)

select
    {{ surrogate_key(['customer_id', 'reading_epoch_ms', 'x', 'y', 'z']) }}
        as accelerometer_reading_id,
    customer_id,
    reading_epoch_ms,
    {{ epoch_ms_to_timestamp('reading_epoch_ms') }} as reading_at,
    x,
    y,
    z,
    consent_version,
    max(source_file_modified_at) as landing_file_modified_at,
    {{ run_loaded_at() }} as loaded_at
from lines
group by customer_id, consent_version, reading_epoch_ms, x, y, z

-- One row per distinct accelerometer reading (customer, time, x, y, z) of a
-- customer_trusted customer; a reading delivered twice appears once.
{{ config(
    s3_data_dir=lake_location('accelerometer/trusted'),
    full_refresh=none if follows_the_landing_delta() else true,
    pre_hook="{% if is_incremental() %}delete from {{ this }}
              where {{ rewritten_rows('customer_id') }}{% endif %}"
) }}
-- depends_on: {{ ref('customer_landing_typed') }}, {{ ref('accelerometer_landing_typed') }}
with customers as (
    select
        customer_id,
        email,
        share_with_research_epoch_ms
    from {{ ref('customer_trusted') }}
    {% if follows_the_landing_delta() and is_incremental() %}
        where {{ rewritten_rows('customer_id') }}
    {% endif %}
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
        and not {{ is_before_research_consent('landing.reading_epoch_ms',
                                              'customers.share_with_research_epoch_ms') }}
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
    max(source_file_modified_at) as landing_file_modified_at
from lines
group by customer_id, consent_version, reading_epoch_ms, x, y, z

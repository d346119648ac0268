-- One row per customer who currently consents to research: the consent gate.
-- The rules (current record, ties and unreadable records held out) are in
-- customer_landing_current; this table keeps its `consenting` customers.
{{ config(
    s3_data_dir=lake_location('customer/trusted'),
    full_refresh=none if follows_the_landing_delta() else true,
    pre_hook="{% if is_incremental() %}delete from {{ this }}
              where {{ rewritten_rows('customer_id') }}{% endif %}"
) }}
-- depends_on: {{ ref('customer_landing_typed') }}, {{ ref('accelerometer_landing_typed') }}
with current_records as (
    select *
    from {{ ref('customer_landing_current') }}
    {%- if follows_the_landing_delta() and is_incremental() %}
        where {{ rewritten_rows('customer_id') }}
    {%- endif %}
)

select
    customer_id,
    {{ surrogate_key(['source_file', 'raw_line']) }} as source_record_id,
    email_key as email,
    customer_name,
    phone,
    birth_day,
    serial_number,
    {{ epoch_ms_to_timestamp('registration_epoch_ms') }} as registered_at,
    {{ epoch_ms_to_timestamp('last_update_epoch_ms') }} as last_updated_at,
    share_with_research_epoch_ms,
    {{ epoch_ms_to_timestamp('share_with_research_epoch_ms') }} as research_consent_at,
    {{ epoch_ms_to_timestamp('share_with_public_epoch_ms') }} as public_consent_at,
    {{ epoch_ms_to_timestamp('share_with_friends_epoch_ms') }} as friends_consent_at
from current_records
where consent_status = 'consenting'

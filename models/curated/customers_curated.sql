-- One row per customer_trusted customer with at least one accelerometer_trusted reading.
{{ config(
    s3_data_dir=lake_location('customer/curated'),
    full_refresh=none if follows_the_landing_delta() else true,
    pre_hook="{% if is_incremental() %}delete from {{ this }}
              where {{ rewritten_rows('customer_id') }}{% endif %}"
) }}
-- depends_on: {{ ref('customer_landing_typed') }}, {{ ref('accelerometer_landing_typed') }}
with customers as (
    select *
    from {{ ref('customer_trusted') }}
    {%- if follows_the_landing_delta() and is_incremental() %}
        where {{ rewritten_rows('customer_id') }}
    {%- endif %}
)

select customers.*
from customers
where customers.customer_id in (
    select readings.customer_id from {{ ref('accelerometer_trusted') }} as readings
)

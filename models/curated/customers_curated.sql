-- One row per customer_trusted customer with at least one accelerometer_trusted reading.
{{ config(s3_data_dir=lake_location('customer/curated')) }}
select customers.*
from {{ ref('customer_trusted') }} as customers
where customers.customer_id in (
    select readings.customer_id from {{ ref('accelerometer_trusted') }} as readings
)

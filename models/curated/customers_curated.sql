-- One row per customer_trusted customer with at least one accelerometer_trusted reading.
select customers.*
from {{ ref('customer_trusted') }} as customers
where customers.customer_id in (
    select readings.customer_id from {{ ref('accelerometer_trusted') }} as readings
)

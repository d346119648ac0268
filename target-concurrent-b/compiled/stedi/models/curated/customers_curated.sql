-- One row per customer_trusted customer with at least one accelerometer_trusted reading.
select customers.*
from "iceberg"."stedi_trusted"."customer_trusted" as customers
where customers.customer_id in (
    select readings.customer_id from "iceberg"."stedi_trusted"."accelerometer_trusted" as readings
)

    
    



select customer_id
from "iceberg"."stedi_trusted"."accelerometer_trusted"
where customer_id is null




    
    



select customer_id
from "iceberg"."stedi_trusted"."customer_trusted"
where customer_id is null



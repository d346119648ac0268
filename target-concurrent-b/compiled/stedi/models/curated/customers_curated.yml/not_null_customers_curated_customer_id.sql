
    
    



select customer_id
from "iceberg"."stedi_curated"."customers_curated"
where customer_id is null



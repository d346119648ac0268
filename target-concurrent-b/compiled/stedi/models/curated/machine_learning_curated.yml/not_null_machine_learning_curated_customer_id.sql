
    
    



select customer_id
from "iceberg"."stedi_curated"."machine_learning_curated"
where customer_id is null



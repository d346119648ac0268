
    
    



select customer_id
from "iceberg"."stedi_trusted"."step_trainer_trusted"
where customer_id is null



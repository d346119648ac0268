
    
    



select step_trainer_reading_id
from "iceberg"."stedi_trusted"."step_trainer_trusted"
where step_trainer_reading_id is null



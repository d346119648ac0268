
    
    



select step_trainer_reading_id
from "iceberg"."stedi_curated"."machine_learning_curated"
where step_trainer_reading_id is null




    
    



select machine_learning_reading_id
from "iceberg"."stedi_curated"."machine_learning_curated"
where machine_learning_reading_id is null



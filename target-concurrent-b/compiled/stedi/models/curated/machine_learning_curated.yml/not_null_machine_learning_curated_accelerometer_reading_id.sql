
    
    



select accelerometer_reading_id
from "iceberg"."stedi_curated"."machine_learning_curated"
where accelerometer_reading_id is null



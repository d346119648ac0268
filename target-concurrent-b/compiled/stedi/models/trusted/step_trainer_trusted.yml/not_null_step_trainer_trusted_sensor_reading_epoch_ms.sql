
    
    



select sensor_reading_epoch_ms
from "iceberg"."stedi_trusted"."step_trainer_trusted"
where sensor_reading_epoch_ms is null



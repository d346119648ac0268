
    
    



select reading_epoch_ms
from "iceberg"."stedi_trusted"."accelerometer_trusted"
where reading_epoch_ms is null




    
    



select accelerometer_reading_id
from "iceberg"."stedi_trusted"."accelerometer_trusted"
where accelerometer_reading_id is null



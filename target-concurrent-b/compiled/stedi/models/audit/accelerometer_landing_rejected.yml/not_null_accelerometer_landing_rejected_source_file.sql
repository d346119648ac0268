
    
    



select source_file
from "iceberg"."stedi_landing"."accelerometer_landing_rejected"
where source_file is null



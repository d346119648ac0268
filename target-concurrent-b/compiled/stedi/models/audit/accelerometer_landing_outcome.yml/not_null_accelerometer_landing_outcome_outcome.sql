
    
    



select outcome
from "iceberg"."stedi_landing"."accelerometer_landing_outcome"
where outcome is null




    
    



select outcome_reason
from "iceberg"."stedi_landing"."accelerometer_landing_outcome"
where outcome_reason is null



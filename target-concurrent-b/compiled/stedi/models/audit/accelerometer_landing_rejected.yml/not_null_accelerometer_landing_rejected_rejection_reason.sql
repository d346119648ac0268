
    
    



select rejection_reason
from "iceberg"."stedi_landing"."accelerometer_landing_rejected"
where rejection_reason is null



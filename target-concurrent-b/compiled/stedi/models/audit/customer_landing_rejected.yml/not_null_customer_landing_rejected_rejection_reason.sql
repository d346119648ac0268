
    
    



select rejection_reason
from "iceberg"."stedi_landing"."customer_landing_rejected"
where rejection_reason is null



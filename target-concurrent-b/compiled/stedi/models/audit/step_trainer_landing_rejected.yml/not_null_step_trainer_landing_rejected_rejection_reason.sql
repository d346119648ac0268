
    
    



select rejection_reason
from "iceberg"."stedi_landing"."step_trainer_landing_rejected"
where rejection_reason is null



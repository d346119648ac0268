
    
    



select outcome_reason
from "iceberg"."stedi_landing"."step_trainer_landing_outcome"
where outcome_reason is null



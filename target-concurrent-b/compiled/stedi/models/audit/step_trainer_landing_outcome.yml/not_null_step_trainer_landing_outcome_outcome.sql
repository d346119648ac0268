
    
    



select outcome
from "iceberg"."stedi_landing"."step_trainer_landing_outcome"
where outcome is null




    
    



select source_file
from "iceberg"."stedi_landing"."step_trainer_landing_rejected"
where source_file is null



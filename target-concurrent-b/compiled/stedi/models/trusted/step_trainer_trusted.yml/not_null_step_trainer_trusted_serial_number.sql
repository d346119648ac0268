
    
    



select serial_number
from "iceberg"."stedi_trusted"."step_trainer_trusted"
where serial_number is null




    
    



select source_file
from "iceberg"."stedi_landing"."customer_landing_rejected"
where source_file is null



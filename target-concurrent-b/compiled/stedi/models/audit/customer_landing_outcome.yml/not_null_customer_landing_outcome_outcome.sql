
    
    



select outcome
from "iceberg"."stedi_landing"."customer_landing_outcome"
where outcome is null



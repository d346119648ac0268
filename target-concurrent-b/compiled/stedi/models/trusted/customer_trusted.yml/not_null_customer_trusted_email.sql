
    
    



select email
from "iceberg"."stedi_trusted"."customer_trusted"
where email is null



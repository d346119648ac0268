
    
    



select research_consent_at
from "iceberg"."stedi_trusted"."customer_trusted"
where research_consent_at is null



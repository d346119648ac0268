
    
    



select share_with_research_epoch_ms
from "iceberg"."stedi_trusted"."customer_trusted"
where share_with_research_epoch_ms is null



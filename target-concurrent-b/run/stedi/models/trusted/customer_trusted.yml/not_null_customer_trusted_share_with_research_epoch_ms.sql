
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select share_with_research_epoch_ms
from "iceberg"."stedi_trusted"."customer_trusted"
where share_with_research_epoch_ms is null



  
  
      
    ) dbt_internal_test
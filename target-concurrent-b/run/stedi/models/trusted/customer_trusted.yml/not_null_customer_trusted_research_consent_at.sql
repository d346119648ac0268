
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select research_consent_at
from "iceberg"."stedi_trusted"."customer_trusted"
where research_consent_at is null



  
  
      
    ) dbt_internal_test
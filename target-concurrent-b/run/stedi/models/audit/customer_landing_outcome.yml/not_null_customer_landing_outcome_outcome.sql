
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select outcome
from "iceberg"."stedi_landing"."customer_landing_outcome"
where outcome is null



  
  
      
    ) dbt_internal_test
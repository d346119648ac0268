
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select outcome_reason
from "iceberg"."stedi_landing"."step_trainer_landing_outcome"
where outcome_reason is null



  
  
      
    ) dbt_internal_test
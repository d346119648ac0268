
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select rejection_reason
from "iceberg"."stedi_landing"."accelerometer_landing_rejected"
where rejection_reason is null



  
  
      
    ) dbt_internal_test
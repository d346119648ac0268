
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select reading_epoch_ms
from "iceberg"."stedi_trusted"."accelerometer_trusted"
where reading_epoch_ms is null



  
  
      
    ) dbt_internal_test
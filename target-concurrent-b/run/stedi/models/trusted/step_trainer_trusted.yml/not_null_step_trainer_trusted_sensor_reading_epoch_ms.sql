
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select sensor_reading_epoch_ms
from "iceberg"."stedi_trusted"."step_trainer_trusted"
where sensor_reading_epoch_ms is null



  
  
      
    ) dbt_internal_test

    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select step_trainer_reading_id
from "iceberg"."stedi_trusted"."step_trainer_trusted"
where step_trainer_reading_id is null



  
  
      
    ) dbt_internal_test
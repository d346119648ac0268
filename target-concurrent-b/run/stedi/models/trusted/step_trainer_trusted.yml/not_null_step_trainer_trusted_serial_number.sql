
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select serial_number
from "iceberg"."stedi_trusted"."step_trainer_trusted"
where serial_number is null



  
  
      
    ) dbt_internal_test

    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select machine_learning_reading_id
from "iceberg"."stedi_curated"."machine_learning_curated"
where machine_learning_reading_id is null



  
  
      
    ) dbt_internal_test
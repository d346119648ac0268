
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select accelerometer_reading_id
from "iceberg"."stedi_trusted"."accelerometer_trusted"
where accelerometer_reading_id is null



  
  
      
    ) dbt_internal_test
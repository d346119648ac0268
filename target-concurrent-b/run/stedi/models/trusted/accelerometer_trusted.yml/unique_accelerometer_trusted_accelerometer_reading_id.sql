
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

select
    accelerometer_reading_id as unique_field,
    count(*) as n_records

from "iceberg"."stedi_trusted"."accelerometer_trusted"
where accelerometer_reading_id is not null
group by accelerometer_reading_id
having count(*) > 1



  
  
      
    ) dbt_internal_test
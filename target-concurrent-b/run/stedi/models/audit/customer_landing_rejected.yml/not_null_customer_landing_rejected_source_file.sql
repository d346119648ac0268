
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select source_file
from "iceberg"."stedi_landing"."customer_landing_rejected"
where source_file is null



  
  
      
    ) dbt_internal_test

    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select email
from "iceberg"."stedi_trusted"."customer_trusted"
where email is null



  
  
      
    ) dbt_internal_test
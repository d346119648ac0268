
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with all_values as (

    select
        outcome as value_field,
        count(*) as n_records

    from "iceberg"."stedi_landing"."step_trainer_landing_outcome"
    group by outcome

)

select *
from all_values
where value_field not in (
    'trusted','excluded','rejected'
)



  
  
      
    ) dbt_internal_test
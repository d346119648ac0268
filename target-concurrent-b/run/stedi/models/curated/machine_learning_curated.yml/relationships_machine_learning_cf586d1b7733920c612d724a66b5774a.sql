
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with child as (
    select step_trainer_reading_id as from_field
    from "iceberg"."stedi_curated"."machine_learning_curated"
    where step_trainer_reading_id is not null
),

parent as (
    select step_trainer_reading_id as to_field
    from "iceberg"."stedi_trusted"."step_trainer_trusted"
)

select
    from_field

from child
left join parent
    on child.from_field = parent.to_field

where parent.to_field is null



  
  
      
    ) dbt_internal_test

    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  

with expected as (
    select expected_rows
    from "iceberg"."stedi_expectations"."expected_row_counts"
    where dataset = 'reference'
        and relation_name = 'step_trainer_trusted'
),

actual as (
    select count(*) as actual_rows from "iceberg"."stedi_trusted"."step_trainer_trusted"
)

select
    expected.expected_rows,
    actual.actual_rows
from expected
cross join actual
where expected.expected_rows <> actual.actual_rows


  
  
      
    ) dbt_internal_test
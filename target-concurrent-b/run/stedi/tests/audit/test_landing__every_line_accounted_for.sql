
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  -- Assert that every landing line is accounted for exactly once: for each
-- dataset, landing lines = trusted + excluded + rejected lines, the trusted
-- lines are exactly the trusted model's rows, and no line is left unexplained.

with reconciliation as (
    
        select
            'customer_landing' as dataset,
            (select count(*) from "hive"."stedi_landing"."customer_landing") as landing_lines,
            (select count(*) from "iceberg"."stedi_landing"."customer_landing_outcome") as accounted_lines,
            (
                select count(*) from "iceberg"."stedi_landing"."customer_landing_outcome"
                where outcome = 'trusted'
            ) as trusted_lines,
            (select count(*) from "iceberg"."stedi_trusted"."customer_trusted") as trusted_rows,
            (
                select count(*) from "iceberg"."stedi_landing"."customer_landing_outcome"
                where
                    outcome not in ('trusted', 'excluded', 'rejected')
                    or outcome_reason = 'unaccounted'
            ) as unexplained_lines
        union all
    
        select
            'accelerometer_landing' as dataset,
            (select count(*) from "hive"."stedi_landing"."accelerometer_landing") as landing_lines,
            (select count(*) from "iceberg"."stedi_landing"."accelerometer_landing_outcome") as accounted_lines,
            (
                select count(*) from "iceberg"."stedi_landing"."accelerometer_landing_outcome"
                where outcome = 'trusted'
            ) as trusted_lines,
            (select count(*) from "iceberg"."stedi_trusted"."accelerometer_trusted") as trusted_rows,
            (
                select count(*) from "iceberg"."stedi_landing"."accelerometer_landing_outcome"
                where
                    outcome not in ('trusted', 'excluded', 'rejected')
                    or outcome_reason = 'unaccounted'
            ) as unexplained_lines
        union all
    
        select
            'step_trainer_landing' as dataset,
            (select count(*) from "hive"."stedi_landing"."step_trainer_landing") as landing_lines,
            (select count(*) from "iceberg"."stedi_landing"."step_trainer_landing_outcome") as accounted_lines,
            (
                select count(*) from "iceberg"."stedi_landing"."step_trainer_landing_outcome"
                where outcome = 'trusted'
            ) as trusted_lines,
            (select count(*) from "iceberg"."stedi_trusted"."step_trainer_trusted") as trusted_rows,
            (
                select count(*) from "iceberg"."stedi_landing"."step_trainer_landing_outcome"
                where
                    outcome not in ('trusted', 'excluded', 'rejected')
                    or outcome_reason = 'unaccounted'
            ) as unexplained_lines
        
    
)

select *
from reconciliation
where
    landing_lines <> accounted_lines
    or trusted_lines <> trusted_rows
    or unexplained_lines > 0
  
  
      
    ) dbt_internal_test
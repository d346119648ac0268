-- Assert that no trusted or curated row belongs to a customer without current
-- research consent. Consent is recomputed here from the landing records, apart
-- from customer_trusted: the latest record(s) of an email must all carry a
-- shareWithResearchAsOfDate that is not null and not 0.
with latest_update as (
    select
        email_key,
        max(last_update_epoch_ms) as last_update_epoch_ms
    from "iceberg"."stedi_landing"."customer_landing_typed"
    group by email_key
),

consenting as (
    select to_hex(sha256(to_utf8(records.email_key))) as customer_id
    from "iceberg"."stedi_landing"."customer_landing_typed" as records
    inner join latest_update
        on
            records.email_key = latest_update.email_key
            and records.last_update_epoch_ms = latest_update.last_update_epoch_ms
    group by records.email_key
    having bool_and(coalesce(records.share_with_research_epoch_ms, 0) <> 0)
),

protected_rows as (
    
        select
            'customer_trusted' as model_name,
            customer_id
        from "iceberg"."stedi_trusted"."customer_trusted"
        union all
    
        select
            'accelerometer_trusted' as model_name,
            customer_id
        from "iceberg"."stedi_trusted"."accelerometer_trusted"
        union all
    
        select
            'step_trainer_trusted' as model_name,
            customer_id
        from "iceberg"."stedi_trusted"."step_trainer_trusted"
        union all
    
        select
            'customers_curated' as model_name,
            customer_id
        from "iceberg"."stedi_curated"."customers_curated"
        union all
    
        select
            'machine_learning_curated' as model_name,
            customer_id
        from "iceberg"."stedi_curated"."machine_learning_curated"
        
    
)

select
    protected_rows.model_name,
    protected_rows.customer_id
from protected_rows
left join consenting
    on protected_rows.customer_id = consenting.customer_id
where consenting.customer_id is null
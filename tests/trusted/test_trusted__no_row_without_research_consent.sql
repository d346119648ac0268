-- Assert that no trusted or curated row belongs to a customer without current
-- research consent. Consent is recomputed here from the landing records, apart
-- from customer_trusted: the latest record(s) of an email must all carry a
-- shareWithResearchAsOfDate that is not null and not 0.
with latest_update as (
    select
        email_key,
        max(last_update_epoch_ms) as last_update_epoch_ms
    from {{ ref('customer_landing_typed') }}
    group by email_key
),

consenting as (
    select {{ customer_id('records.email_key') }} as customer_id
    from {{ ref('customer_landing_typed') }} as records
    inner join latest_update
        on
            records.email_key = latest_update.email_key
            and records.last_update_epoch_ms = latest_update.last_update_epoch_ms
    group by records.email_key
    having bool_and(coalesce(records.share_with_research_epoch_ms, 0) <> 0)
),

protected_rows as (
    {% for model in ['customer_trusted', 'accelerometer_trusted', 'step_trainer_trusted',
                     'customers_curated', 'machine_learning_curated'] %}
        select
            '{{ model }}' as model_name,
            customer_id
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    protected_rows.model_name,
    protected_rows.customer_id
from protected_rows
left join consenting
    on protected_rows.customer_id = consenting.customer_id
where consenting.customer_id is null

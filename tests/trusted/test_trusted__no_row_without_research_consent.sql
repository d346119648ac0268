-- Assert that no trusted or curated row belongs to a customer without current
-- research consent. An independent check: consent is recomputed here from the
-- landing records by the rules of models/landing/customer_landing_current.yml,
-- without reading that model or customer_trusted. On a daily run it checks the
-- rows that run rewrote (the changed customers', and serials' in the serial-keyed
-- tables) and those customers' records; whole otherwise (docs/incremental.md).
{%- set daily = follows_the_landing_delta() %}
-- depends_on: {{ ref('accelerometer_landing_typed') }}, {{ ref('step_trainer_landing_typed') }}
with protected_rows as (
    {% for model, key in [('customer_trusted', 'customer_id'),
                          ('accelerometer_trusted', 'customer_id'),
                          ('step_trainer_trusted', 'serial_number'),
                          ('customers_curated', 'customer_id'),
                          ('machine_learning_curated', 'serial_number')] %}
        select
            '{{ model }}' as model_name,
            customer_id
        from {{ ref(model) }}
        {%- if daily %}
            where {{ key }} in ({{ changed_customers() if key == 'customer_id' else changed_serials() }})
        {%- endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

records as (
    select
        email_key,
        last_update_epoch_ms,
        share_with_research_epoch_ms,
        rejection_reason is null as is_usable
    from {{ ref('customer_landing_typed') }}
    where
        (
            rejection_reason is null
            or rejection_reason in ('invalid_last_update_date', 'invalid_research_consent_date')
        )
        {%- if daily %}
            and {{ customer_id('email_key') }} in (select customer_id from protected_rows)
        {%- endif %}
),

latest_update as (
    select
        email_key,
        max(case when is_usable then last_update_epoch_ms end) as last_update_epoch_ms
    from records
    group by email_key
),

consenting as (
    select {{ customer_id('records.email_key') }} as customer_id
    from records
    inner join latest_update
        on records.email_key = latest_update.email_key
    group by records.email_key
    having
        count_if(
            not records.is_usable
            and not coalesce(
                records.last_update_epoch_ms < latest_update.last_update_epoch_ms, false
            )
        ) = 0
        and count(distinct case
            when
                records.is_usable
                and records.last_update_epoch_ms = latest_update.last_update_epoch_ms
                then coalesce(records.share_with_research_epoch_ms, 0)
        end) = 1
        and bool_and(
            not records.is_usable
            or records.last_update_epoch_ms < latest_update.last_update_epoch_ms
            or coalesce(records.share_with_research_epoch_ms, 0) <> 0
        )
)

select
    protected_rows.model_name,
    protected_rows.customer_id
from protected_rows
left join consenting
    on protected_rows.customer_id = consenting.customer_id
where consenting.customer_id is null

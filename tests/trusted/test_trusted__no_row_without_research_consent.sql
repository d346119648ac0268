-- Assert that no trusted or curated row belongs to a customer without current
-- research consent. An independent check: consent is recomputed here from the
-- landing records by the rules of models/landing/customer_landing_current.yml,
-- without reading that model or customer_trusted. On a daily run it checks the
-- rows that run rewrote (the changed customers', or serials' where a model's meta
-- says `rewritten_by: serial_number`); whole otherwise (docs/incremental.md).
{%- set daily = follows_the_landing_delta() %}
-- depends_on: {{ ref('accelerometer_landing_typed') }}, {{ ref('step_trainer_landing_typed') }}
{%- set protected = ['customer_trusted', 'accelerometer_trusted', 'step_trainer_trusted',
                      'customers_curated', 'machine_learning_curated'] %}
{#- the tables a daily run rewrites by the same key share one slice (rewritten_rows) #}
{%- set by_key = {} %}
{%- for model in protected %}
    {%- set meta = graph.nodes['model.stedi.' ~ model].config.meta if execute else {} %}
    {%- do by_key.setdefault(meta.get('rewritten_by', 'customer_id'), []).append(model) %}
{%- endfor %}
with tested_rows as (
    {% for key, models in by_key.items() %}
        select
            model_name,
            customer_id
        from (
            {% for model in models %}
                select
                    '{{ model }}' as model_name,
                    {{ 'customer_id' if key == 'customer_id' else 'customer_id, ' ~ key }}
                from {{ ref(model) }}
                {% if not loop.last %}union all{% endif %}
            {% endfor %}
        ) as keyed_rows
        where {{ rewritten_rows(key) if daily else 'true' }}
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
        rejection_reason is null
        or rejection_reason in ('invalid_last_update_date', 'invalid_research_consent_date')
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
    tested_rows.model_name,
    tested_rows.customer_id
from tested_rows
left join consenting
    on tested_rows.customer_id = consenting.customer_id
where consenting.customer_id is null

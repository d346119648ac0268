-- Assert that every landing line is accounted for, for each dataset:
--   * every landing line reached the typed landing table (none lost parsing);
--   * every trusted row is a distinct usable reading of those lines (nothing
--     in trusted that landing does not hold);
--   * customers and accelerometer readings: every distinct usable line that
--     the rules keep is in the trusted table (nothing silently dropped);
--   * customers: every line has a known outcome (the audit view).
-- The sensor datasets are counted with aggregations over the typed tables
-- (linear in the data); the line-by-line outcome views of the sensor data
-- (a window over every line) are checked by the integration tests instead.
-- The rules that keep a reading (a consenting customer; with strict_consent,
-- taken at or after the consent) are restated here on purpose, apart from
-- accelerometer_trusted and is_before_research_consent: an independent check.
-- On a daily run the landing and typed lines are counted for the files that run
-- read, the accelerometer accounting for the customers it rewrote and the step
-- accounting for the serials (the others are unchanged since they were counted);
-- the customer accounting is whole. The keys are the trusted models' meta `rewritten_by`.
{%- set daily = follows_the_landing_delta() %}
{%- set slice = {'customer': 'true'} %}
{%- for entity in ['accelerometer', 'step_trainer'] if daily and execute %}
    {%- set meta = graph.nodes['model.stedi.' ~ entity ~ '_trusted'].config.meta %}
    {%- do slice.update({entity: rewritten_rows(meta.get('rewritten_by', 'customer_id'))}) %}
{%- endfor %}
with customer_accounting as (
    select
        count_if(outcome = 'trusted') as trusted_rows_from_landing,
        count_if(
            outcome is null
            or outcome not in ('trusted', 'excluded', 'rejected')
            or outcome_reason is null
        ) as unexplained_lines
    from {{ ref('customer_landing_outcome') }}
),

customers as (
    select
        customer_id,
        email,
        share_with_research_epoch_ms
    from {{ ref('customer_trusted') }}
    where {{ slice.accelerometer if daily else 'true' }}
),

consenting_readings as (
    select distinct
        customers.customer_id,
        landing.reading_epoch_ms,
        landing.x,
        landing.y,
        landing.z
    from {{ ref('accelerometer_landing_typed') }} as landing
    inner join customers
        on landing.email_key = customers.email
    where
        landing.rejection_reason is null
        {%- if var('strict_consent') %}
            and landing.reading_epoch_ms >= customers.share_with_research_epoch_ms
        {%- endif %}
),

trusted_readings as (
    select *
    from {{ ref('accelerometer_trusted') }}
    where {{ slice.accelerometer if daily else 'true' }}
),

accelerometer_accounting as (
    select
        count(trusted_rows.customer_id) as trusted_rows_from_landing,
        -- kept readings missing from the trusted table
        count_if(trusted_rows.customer_id is null) as unexplained_lines
    from consenting_readings
    left join trusted_readings as trusted_rows
        on
            consenting_readings.customer_id = trusted_rows.customer_id
            and consenting_readings.reading_epoch_ms = trusted_rows.reading_epoch_ms
            and consenting_readings.x = trusted_rows.x
            and consenting_readings.y = trusted_rows.y
            and consenting_readings.z = trusted_rows.z
),

step_readings as (
    select distinct
        serial_number,
        sensor_reading_epoch_ms,
        distance_from_object
    from {{ ref('step_trainer_landing_typed') }}
    where rejection_reason is null and {{ slice.step_trainer if daily else 'true' }}
),

step_trainer_accounting as (
    select
        count(*) as trusted_rows_from_landing,
        0 as unexplained_lines
    from {{ ref('step_trainer_trusted') }} as trusted_rows
    inner join step_readings
        on
            trusted_rows.serial_number = step_readings.serial_number
            and trusted_rows.sensor_reading_epoch_ms = step_readings.sensor_reading_epoch_ms
            and trusted_rows.distance_from_object = step_readings.distance_from_object
),

reconciliation as (
    {%- for entity in ['customer', 'accelerometer', 'step_trainer'] %}
        {%- set typed = entity ~ '_landing_typed' %}
        select
            '{{ entity }}_landing' as dataset,
            (
                select count(*) from {{ source('landing', entity ~ '_landing') }}
                where {{ landing_file_list('"$path"', typed) if daily else 'true' }}
            ) as landing_lines,
            (
                select count(*) from {{ ref(typed) }}
                where {{ landing_file_list('source_file', typed) if daily else 'true' }}
            ) as typed_lines,
            (
                select count(*) from {{ ref(entity ~ '_trusted') }}
                where {{ slice[entity] if daily else 'true' }}
            ) as trusted_rows,
            accounting.trusted_rows_from_landing,
            accounting.unexplained_lines
        from {{ entity }}_accounting as accounting
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select *
from reconciliation
where
    landing_lines <> typed_lines
    or trusted_rows <> trusted_rows_from_landing
    or unexplained_lines > 0

-- Assert that every landing line is accounted for exactly once: for each
-- dataset, landing lines = trusted + excluded + rejected lines, the trusted
-- lines are exactly the trusted model's rows, and every line has a known
-- outcome and a reason. Each outcome view is scanned once.
{% set datasets = [
    ('customer_landing', 'customer_landing_outcome', 'customer_trusted'),
    ('accelerometer_landing', 'accelerometer_landing_outcome', 'accelerometer_trusted'),
    ('step_trainer_landing', 'step_trainer_landing_outcome', 'step_trainer_trusted'),
] %}
with reconciliation as (
    {% for landing, outcome, trusted in datasets %}
        select
            '{{ landing }}' as dataset,
            (select count(*) from {{ source('landing', landing) }}) as landing_lines,
            accounted.accounted_lines,
            accounted.trusted_lines,
            (select count(*) from {{ ref(trusted) }}) as trusted_rows,
            accounted.unexplained_lines
        from (
            select
                count(*) as accounted_lines,
                count_if(outcome = 'trusted') as trusted_lines,
                count_if(
                    outcome is null
                    or outcome not in ('trusted', 'excluded', 'rejected')
                    or outcome_reason is null
                    or outcome_reason = 'unaccounted'
                ) as unexplained_lines
            from {{ ref(outcome) }}
        ) as accounted
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select *
from reconciliation
where
    landing_lines <> accounted_lines
    or trusted_lines <> trusted_rows
    or unexplained_lines > 0

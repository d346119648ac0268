-- Assert that every landing line is accounted for exactly once: for each
-- dataset, landing lines = trusted + excluded + rejected lines, the trusted
-- lines are exactly the trusted model's rows, and no line is left unexplained.
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
            (select count(*) from {{ ref(outcome) }}) as accounted_lines,
            (
                select count(*) from {{ ref(outcome) }}
                where outcome = 'trusted'
            ) as trusted_lines,
            (select count(*) from {{ ref(trusted) }}) as trusted_rows,
            (
                select count(*) from {{ ref(outcome) }}
                where
                    outcome not in ('trusted', 'excluded', 'rejected')
                    or outcome_reason = 'unaccounted'
            ) as unexplained_lines
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select *
from reconciliation
where
    landing_lines <> accounted_lines
    or trusted_lines <> trusted_rows
    or unexplained_lines > 0

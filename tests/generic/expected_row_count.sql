{# Why: exact counts are a property of one dataset, so they are data (a seed)
   keyed by dataset, asserted only when a build names it. #}
{% test expected_row_count(model) %}
{{ config(enabled=var('expectations_dataset') != 'none') }}

with expected as (
    select max(expected_rows) as expected_rows
    from {{ ref('expected_row_counts') }}
    where dataset = '{{ var("expectations_dataset") }}'
        and relation_name = '{{ model.identifier }}'
),

actual as (
    select count(*) as actual_rows from {{ model }}
)

select
    expected.expected_rows,
    actual.actual_rows
from expected
cross join actual
where expected.expected_rows is null or expected.expected_rows <> actual.actual_rows

{% endtest %}

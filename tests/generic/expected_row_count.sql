{#
    Asserts that a relation has exactly the row count that
    seeds/expected_row_counts.csv gives for it under the `expectations_dataset`
    var. Exact counts are a property of one dataset, so the test is enabled
    only when a build names its dataset explicitly (`expectations_dataset`,
    default from $STEDI_EXPECTATIONS, else `none`): on anyone else's landing
    data it does not run, and every rule test still does.
    Fails with one row (expected vs actual) on a mismatch, and also when the
    named dataset has no expectation for this relation (a misspelt dataset must
    not pass silently).
#}
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

{#
    Asserts that a relation has exactly the row count that
    seeds/expected_row_counts.csv gives for it under the `expectations_dataset`
    var. Fails with one row (expected vs actual) on a mismatch; checks nothing
    for a dataset that has no expectation for this relation.
#}
{% test expected_row_count(model) %}

with expected as (
    select expected_rows
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
where expected.expected_rows <> actual.actual_rows

{% endtest %}

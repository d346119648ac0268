

with expected as (
    select expected_rows
    from "iceberg"."stedi_expectations"."expected_row_counts"
    where dataset = 'reference'
        and relation_name = 'accelerometer_landing'
),

actual as (
    select count(*) as actual_rows from "hive"."stedi_landing"."accelerometer_landing"
)

select
    expected.expected_rows,
    actual.actual_rows
from expected
cross join actual
where expected.expected_rows <> actual.actual_rows


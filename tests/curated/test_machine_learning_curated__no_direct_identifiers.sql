-- Assert that machine_learning_curated has no direct identifier column: no
-- name, email, phone, birthday or raw landing line. It runs on the built
-- table of every target, Athena included (the other checks of the ML data
-- are named in integration_tests/test_security.py).
{% set ml = ref('machine_learning_curated') %}
select column_name
from information_schema.columns
where
    table_schema = '{{ ml.schema }}'
    and table_name = '{{ ml.identifier }}'
    and column_name in ('customer_name', 'email', 'email_key', 'phone', 'birth_day', 'raw_line')

-- Assert that machine_learning_curated has no direct identifier column: no
-- name, email, phone, birthday or raw landing line.
{% set ml = ref('machine_learning_curated') %}
select column_name
from information_schema.columns
where
    table_schema = '{{ ml.schema }}'
    and table_name = '{{ ml.identifier }}'
    and column_name in ('customer_name', 'email', 'email_key', 'phone', 'birth_day', 'raw_line')

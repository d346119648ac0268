-- Assert that machine_learning_curated has no direct identifier column: no
-- name, email, phone, birthday or raw landing line.

select column_name
from information_schema.columns
where
    table_schema = 'stedi_curated'
    and table_name = 'machine_learning_curated'
    and column_name in ('customer_name', 'email', 'email_key', 'phone', 'birth_day', 'raw_line')
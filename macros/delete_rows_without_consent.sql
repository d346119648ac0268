{#
    Why: incremental tables keep rows from earlier runs, so a customer who
    withdraws consent must be deleted from them on the next run (a merge only
    adds and updates). Used as a post-hook (nothing on a full refresh: the
    table was just rebuilt from current consent); deletes rows whose customer
    is not in customer_trusted. A cheap check runs first (the table's distinct
    customers against customer_trusted): when nobody left, no delete runs and
    no snapshot is written.
    Statement form (docs/athena.md): DELETE FROM t WHERE col NOT IN
    (uncorrelated subquery on another table).
    Argument: relation (the model's table).
#}
{% macro delete_rows_without_consent(relation) -%}
    {%- if not should_full_refresh() and execute %}
        {%- set left_sql -%}
            select count(*) from (
                select distinct customer_id from {{ relation }}
            ) as held
            where held.customer_id not in (
                select consenting.customer_id from {{ ref('customer_trusted') }} as consenting
            )
        {%- endset %}
        {%- if run_query(left_sql).columns[0].values()[0] > 0 %}
    delete from {{ relation }}
    where customer_id not in (
        select consenting.customer_id from {{ ref('customer_trusted') }} as consenting
    )
        {%- endif %}
    {%- endif %}
{%- endmacro %}

{#
    Why: the "replace" step of the incremental pattern (docs/incremental.md):
    before an incremental run merges the recomputed rows of the changed keys,
    this pre-hook deletes every row those keys hold, so rows that no longer
    qualify (consent withdrawn, a reading now fitting two customers) go, and
    the merge then inserts what the rules keep. Privacy net, whatever the
    change detection saw: every row of a customer who is not in
    customer_trusted (no current consent) goes too. Nothing on a full build.
    Athena form: DELETE FROM table WHERE col [NOT] IN (uncorrelated subquery)
    (https://docs.aws.amazon.com/athena/latest/ug/delete-statement.html).
    Argument: unit (the key column of the model's table: 'customer_id' or
    'serial_number', see changed_keys).
#}
{% macro delete_changed_keys(unit) -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where
        {{ unit }} in ({{ changed_keys(unit) }})
        or customer_id not in (
            select consenting.customer_id from {{ ref('customer_trusted') }} as consenting
        )
    {%- endif %}
{%- endmacro %}

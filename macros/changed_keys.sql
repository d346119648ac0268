{#
    Why: the one incremental pattern (docs/incremental.md). An incremental run
    recomputes every row of the keys that can have changed since the model's
    table was last written, and replaces them. This macro says which keys: a
    subquery of the keys of the typed landing lines loaded after the newest
    row of the model's table (its `loaded_at` watermark): every customer
    record that names an email (an unreadable one can hold the customer out,
    customer_landing_current), usable sensor readings. The unit of
    change comes from the rules:
      customer_id    consent is decided per customer, from the customer's
                     records; a customer changes with a new record (consent
                     granted, re-dated or withdrawn, a new serial number) or
                     new phone readings.
      serial_number  a Step Trainer reading is attributed through its serial
                     number to the one curated customer of that serial with a
                     phone reading at its time; a serial changes with new
                     readings of it, or when any customer who has or had it
                     changes (every serial in that customer's records).
    The subquery never reads the model's own table, so the DELETE that uses it
    is the form Athena documents: WHERE col IN (uncorrelated subquery)
    (https://docs.aws.amazon.com/athena/latest/ug/delete-statement.html).
    Argument: unit ('customer_id' or 'serial_number').
#}
{% macro changed_keys(unit) -%}
    {%- set since = incremental_watermark('loaded_at') if is_incremental()
        else "timestamp '1970-01-01 00:00:00.000000'" -%}
    {%- set changed_customers -%}
        select records.email_key
        from {{ ref('customer_landing_typed') }} as records
        where records.loaded_at > {{ since }} and records.email_key is not null
        union
        select readings.email_key
        from {{ ref('accelerometer_landing_typed') }} as readings
        where readings.loaded_at > {{ since }} and readings.rejection_reason is null
    {%- endset -%}
    {%- if unit == 'customer_id' -%}
        select {{ customer_id('changed.email_key') }} from ({{ changed_customers }}) as changed
    {%- elif unit == 'serial_number' -%}
        select readings.serial_number
        from {{ ref('step_trainer_landing_typed') }} as readings
        where readings.loaded_at > {{ since }} and readings.rejection_reason is null
        union
        select records.serial_number
        from {{ ref('customer_landing_typed') }} as records
        where records.email_key in ({{ changed_customers }})
    {%- else -%}
        {{ exceptions.raise_compiler_error("changed_keys: unit is customer_id or serial_number, not " ~ unit) }}
    {%- endif -%}
{%- endmacro %}

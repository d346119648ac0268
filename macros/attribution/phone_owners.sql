{#
    Why: the Step Trainer attribution rule in one place. Serial numbers were
    reused by the fulfilment site, so a reading of serial S at time T belongs
    to the curated customer who has serial S AND a phone reading at T, and to
    nobody when two such customers exist. This gives, per (serial, phone
    reading time), whether exactly one curated customer fits and who:
    step_trainer_trusted keeps the readings with one owner, the audit view
    names the others' reason.
#}
{% macro phone_owners() -%}
    select
        customers.serial_number,
        phone.reading_epoch_ms,
        min(customers.customer_id) as customer_id,
        min(customers.customer_id) = max(customers.customer_id) as has_one_owner
    from {{ ref('customers_curated') }} as customers
    inner join {{ ref('accelerometer_trusted') }} as phone
        on customers.customer_id = phone.customer_id
    group by customers.serial_number, phone.reading_epoch_ms
{%- endmacro %}

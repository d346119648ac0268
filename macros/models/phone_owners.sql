{# Why: serial numbers were reused by the fulfilment site, so the attribution
   rule needs the phone reading too; step_trainer_trusted and its audit view share it. #}
{% macro phone_owners(customers_where=none) -%}
    select
        customers.serial_number,
        phone.reading_epoch_ms,
        min(customers.customer_id) as customer_id,
        min(customers.customer_id) = max(customers.customer_id) as has_one_owner
    from (
        select
            customer_id,
            serial_number
        from {{ ref('customers_curated') }}
        where {{ customers_where or 'true' }}
    ) as customers
    inner join {{ ref('accelerometer_trusted') }} as phone
        on customers.customer_id = phone.customer_id
    group by customers.serial_number, phone.reading_epoch_ms
{%- endmacro %}

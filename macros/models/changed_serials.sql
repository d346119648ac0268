{# Why: a step reading goes to the one customer of its serial with a phone reading then,
   so a changed customer can move readings to or from another on any serial they ever
   named; a daily run rewrites those serials and the serials of new step readings. #}
{% macro changed_serials(typed=none) -%}
    {%- set delta = var('landing_delta') -%}
    select serial_number
    from {{ typed['customer_landing_typed'] if typed else ref('customer_landing_typed') }}
    where {{ customer_id('email_key') }} in ({{ changed_customers(typed) }})
    union
    select serial_number
    from {{ typed['step_trainer_landing_typed'] if typed else ref('step_trainer_landing_typed') }}
    where {{ landing_file_list('source_file', delta['step_trainer_landing_typed']['read']) }}
{%- endmacro %}

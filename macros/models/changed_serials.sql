{# Why: a step reading is attributed per serial number, among every customer who
   has it: a change to one customer (a new record, consent, a new phone reading)
   can move a reading to or from another customer on the same serial. So a daily
   run rewrites the serials of a new step reading and every serial a changed
   customer's records have ever named (the one they leave too). #}
{% macro changed_serials() -%}
    {%- set delta = var('landing_delta') -%}
    select serial_number
    from {{ ref('customer_landing_typed') }}
    where {{ customer_id('email_key') }} in ({{ changed_customers() }})
    union
    select serial_number
    from {{ ref('step_trainer_landing_typed') }}
    where {{ landing_file_list('source_file', delta['step_trainer_landing_typed']['read']) }}
{%- endmacro %}

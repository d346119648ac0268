{# Why: a daily run rewrites only the customers a new customer record or phone reading
   names; only new files are in the delta (follows_the_landing_delta), so every earlier
   row of theirs is still in the typed tables. A select of customer_id. #}
{% macro changed_customers() -%}
    {%- set delta = var('landing_delta') -%}
    select {{ customer_id('email_key') }} as customer_id
    from {{ ref('customer_landing_typed') }}
    where {{ landing_file_list('source_file', delta['customer_landing_typed']['read']) }}
    union
    select {{ customer_id('email_key') }} as customer_id
    from {{ ref('accelerometer_landing_typed') }}
    where {{ landing_file_list('source_file', delta['accelerometer_landing_typed']['read']) }}
{%- endmacro %}

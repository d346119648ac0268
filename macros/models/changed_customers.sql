{# Why: a daily run rewrites only the customers a new customer record or phone reading
   names; only new files are in the delta (follows_the_landing_delta), so every earlier
   row of theirs is still in the typed tables. A select of customer_id. #}
{% macro changed_customers(typed=none) -%}
    {%- for name in ['customer_landing_typed', 'accelerometer_landing_typed'] %}
    select {{ customer_id('email_key') }} as customer_id
    from {{ typed[name] if typed else ref(name) }}
    where {{ landing_file_list('source_file', name) }}
    {{ 'union' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

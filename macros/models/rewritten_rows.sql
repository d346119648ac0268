{# Why: a model's meta `rewritten_by` names the key a daily run rewrites it by; this is
   the one place that key becomes the rows: a customer's, or a serial any changed
   customer ever named (a reading can move between its owners) or a new step names. #}
{% macro rewritten_rows(key, typed=none) -%}
    {%- if key == 'serial_number' -%}
    serial_number in (
        select serial_number
        from {{ typed['customer_landing_typed'] if typed else ref('customer_landing_typed') }}
        where {{ customer_id('email_key') }} in ({{ changed_customers(typed) }})
        union
        select serial_number
        from {{ typed['step_trainer_landing_typed'] if typed else ref('step_trainer_landing_typed') }}
        where {{ landing_file_list('source_file', 'step_trainer_landing_typed') }}
    )
    {%- else -%}
    customer_id in ({{ changed_customers(typed) }})
    {%- endif -%}
{%- endmacro %}

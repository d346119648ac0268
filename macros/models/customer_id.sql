{# Why: curated tables identify a customer without carrying the email. #}
{% macro customer_id(email_key) -%}
    to_hex(sha256(to_utf8({{ email_key }})))
{%- endmacro %}

{#
    Why: curated tables identify a customer without carrying the email. The
    customer_id is the SHA-256 of the normalised (trimmed, lower-cased) email.
    Argument: email_key (an already normalised email expression).
#}
{% macro customer_id(email_key) -%}
    to_hex(sha256(to_utf8({{ email_key }})))
{%- endmacro %}

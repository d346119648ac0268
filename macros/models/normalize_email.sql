{# Why: customers are compared by email everywhere; one normalisation. #}
{% macro normalize_email(column) -%}
    lower(trim({{ column }}))
{%- endmacro %}

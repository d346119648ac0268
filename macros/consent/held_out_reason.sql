{# Why: the audit views give a held-out customer's lines this reason instead of
   `no_research_consent`; the mapping lives in one place. #}
{% macro held_out_reason(consent_status) -%}
    case when {{ consent_status }} like 'held_out_%' then {{ consent_status }} end
{%- endmacro %}

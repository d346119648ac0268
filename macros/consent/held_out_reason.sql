{#
    Why: a customer held out on doubt (customer_landing_current: a consent tie
    or an unreadable record) has its own reason, which the audit views give
    every line of theirs instead of `no_research_consent`. The mapping in one
    place: the consent status when it is a `held_out_*` one, else null.
    Argument: consent_status (customer_landing_current.consent_status).
#}
{% macro held_out_reason(consent_status) -%}
    case when {{ consent_status }} like 'held_out_%' then {{ consent_status }} end
{%- endmacro %}

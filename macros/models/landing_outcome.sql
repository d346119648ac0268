{# Why: every audit view must turn a line's reasons into its outcome the same way. #}
{% macro landing_outcome(rejection_reason, outcome_reason) -%}
    case
        when {{ rejection_reason }} = 'forgotten' then 'excluded'
        when {{ rejection_reason }} is not null then 'rejected'
        when {{ outcome_reason }} in ('trusted_reading', 'current_consenting_record')
            then 'trusted'
        else 'excluded'
    end
{%- endmacro %}

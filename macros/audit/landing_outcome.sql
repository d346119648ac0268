{#
    Why: every audit view turns a line's reasons into its outcome the same
    way: a line of a customer who asked to be forgotten is `excluded` by that
    rule; any other rejected line is `rejected`; the line behind a trusted row
    (reason `trusted_reading`, or `current_consenting_record` for a customer
    record) is `trusted`; every other line is `excluded` by the rule its reason
    names.
    Arguments: rejection_reason (the typed landing table's, null when the line
    is usable), outcome_reason (the view's reason for the line).
#}
{% macro landing_outcome(rejection_reason, outcome_reason) -%}
    case
        when {{ rejection_reason }} = 'forgotten' then 'excluded'
        when {{ rejection_reason }} is not null then 'rejected'
        when {{ outcome_reason }} in ('trusted_reading', 'current_consenting_record')
            then 'trusted'
        else 'excluded'
    end
{%- endmacro %}

{#
    Why: the audit views of the sensor datasets turn a line's reason into its
    outcome the same way: rejected lines are `rejected`, the line behind a
    trusted row (reason `trusted_reading`) is `trusted`, every other line is
    `excluded` by the rule its reason names.
    Arguments: is_rejected (boolean column), reason (varchar column).
#}
{% macro landing_outcome(is_rejected, reason) -%}
    case
        when {{ is_rejected }} then 'rejected'
        when {{ reason }} = 'trusted_reading' then 'trusted'
        else 'excluded'
    end
{%- endmacro %}

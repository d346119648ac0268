{#
    Why: strict consent (the `strict_consent` var, dbt_project.yml) keeps only
    the readings taken at or after the customer's research-consent time. The
    rule in one place: accelerometer_trusted leaves such a reading out, and its
    audit view names the line `before_research_consent`. The constant false
    when strict_consent is off.
    Arguments: reading_epoch_ms (the reading's time), consent_epoch_ms (the
    customer's shareWithResearchAsOfDate), both epoch milliseconds.
#}
{% macro is_before_research_consent(reading_epoch_ms, consent_epoch_ms) -%}
    {%- if var('strict_consent') -%}
        {{ reading_epoch_ms }} < {{ consent_epoch_ms }}
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

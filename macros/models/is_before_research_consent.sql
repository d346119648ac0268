{# Why: strict consent's rule in one place: accelerometer_trusted leaves such a
   reading out and its audit view names it `before_research_consent`. #}
{% macro is_before_research_consent(reading_epoch_ms, consent_epoch_ms) -%}
    {%- if var('strict_consent') -%}
        {{ reading_epoch_ms }} < {{ consent_epoch_ms }}
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

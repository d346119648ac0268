{#
    Why: the privacy policy in one place. A customer record grants research
    consent when shareWithResearchAsOfDate holds a timestamp: not null, not 0.
    Argument: epoch_ms_column (the record's shareWithResearchAsOfDate, bigint).
#}
{% macro has_research_consent(epoch_ms_column) -%}
    ({{ epoch_ms_column }} is not null and {{ epoch_ms_column }} <> 0)
{%- endmacro %}

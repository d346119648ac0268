{# Why: the privacy policy's definition of a consenting record, in one place;
   which record counts, and deny on doubt, are customer_landing_current's. #}
{% macro has_research_consent(epoch_ms_column) -%}
    ({{ epoch_ms_column }} is not null and {{ epoch_ms_column }} <> 0)
{%- endmacro %}

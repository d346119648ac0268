{# Why: each typed row records the run that parsed it (no model reads it yet). #}
{% macro run_loaded_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp(6))
{%- endmacro %}

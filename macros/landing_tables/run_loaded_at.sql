{#
    Why: rows written by a run carry the run's start time (UTC), so downstream
    incremental models can pick up exactly what changed upstream in this run.
#}
{% macro run_loaded_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp(6))
{%- endmacro %}

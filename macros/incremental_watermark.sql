{#
    Why: incremental models read only landing files newer than what they already
    hold. The watermark is fetched before the model's SQL is compiled and
    written in as a constant, so the engine can skip older files.
    Argument: column (a timestamp(6) UTC column of `this`). Use inside
    is_incremental() only; returns a timestamp with time zone literal.
#}
{% macro incremental_watermark(column) -%}
    {%- set value = none -%}
    {%- if execute -%}
        {%- set result = run_query('select max(' ~ column ~ ') from ' ~ this) -%}
        {%- set value = result.columns[0].values()[0] -%}
    {%- endif -%}
    {%- if value is none -%}
        timestamp '1970-01-01 00:00:00.000000 UTC'
    {%- else -%}
        timestamp '{{ value.strftime("%Y-%m-%d %H:%M:%S.%f") }} UTC'
    {%- endif -%}
{%- endmacro %}

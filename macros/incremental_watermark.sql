{#
    Why: incremental models read only what is newer than what they already
    hold. The watermark is fetched before the model's SQL is compiled and
    written in as a constant, so the engine can skip older files.
    Arguments: column (a timestamp(6) UTC column of `this`); with_time_zone
    (true to compare with a timestamp-with-time-zone such as
    "$file_modified_time"). Use inside is_incremental() only. Offline
    (`dbt compile --no-introspect`) it renders the same value as a subquery.
#}
{% macro incremental_watermark(column, with_time_zone=false) -%}
    {%- set value = none -%}
    {%- if flags.INTROSPECT is false -%}
        {#- compiling offline (no queries): the same value, as a subquery -#}
        {%- set zone = " at time zone 'UTC'" if with_time_zone else '' -%}
        {{ return('(select coalesce(max(' ~ column ~ '), timestamp \'1970-01-01 00:00:00\')'
                  ~ zone ~ ' from ' ~ this ~ ')') }}
    {%- elif execute -%}
        {%- set result = run_query('select max(' ~ column ~ ') from ' ~ this) -%}
        {%- set value = result.columns[0].values()[0] -%}
    {%- endif -%}
    {%- set zone = ' UTC' if with_time_zone else '' -%}
    {%- if value is none -%}
        timestamp '1970-01-01 00:00:00.000000{{ zone }}'
    {%- else -%}
        timestamp '{{ value.strftime("%Y-%m-%d %H:%M:%S.%f") }}{{ zone }}'
    {%- endif -%}
{%- endmacro %}

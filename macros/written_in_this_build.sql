{#
    Why: in an incremental `dbt build`, the rows an incremental model wrote are
    all the rows of its changed keys (docs/incremental.md); every other row
    was tested when it was written and has not changed since. Row-level rule
    tests (not_null, unique, relationships, attribution, same customer) then
    check those rows only. A key belongs to one unit of change, so a written
    row cannot collide with a row left in place. The whole table on a full
    refresh and in `dbt test`, which writes nothing. The consent test and the
    line reconciliation always read whole tables.
    Argument: loaded_at (the column that holds the run that wrote the row).
#}
{% macro written_in_this_build(loaded_at='loaded_at') -%}
    {%- if flags.WHICH == 'build' and not flags.FULL_REFRESH -%}
        {{ loaded_at }} = {{ run_loaded_at() }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

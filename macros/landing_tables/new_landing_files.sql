{#
    Why: a typed landing table is appended to, file by file: an incremental
    run parses only the landing files the table does not hold yet (new files,
    and files delivered again, whose earlier lines
    delete_redelivered_landing_lines has just removed). True on a full build,
    and in an offline compile (`dbt compile --no-introspect`, the Athena check
    in CI), which cannot ask whether the table exists.
    Use as the where clause over a landing source.
#}
{% macro new_landing_files() -%}
    {%- if flags.INTROSPECT is not false and is_incremental() -%}
        "$path" not in (select parsed.source_file from {{ this }} as parsed)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

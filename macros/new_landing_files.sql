{#
    Why: a typed landing table is appended to, not rebuilt: an incremental run
    parses only the landing files modified after the newest file it holds. The
    predicate is on the hidden column itself, against a constant, so the engine
    skips the older files without reading them.
    Use as the where clause over a landing source (true on a full refresh).
#}
{% macro new_landing_files() -%}
    {%- if is_incremental() -%}
        "$file_modified_time" > {{ incremental_watermark('source_file_modified_at', with_time_zone=true) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#
    Why: a typed landing table is appended to, file by file. `stedi build` knows
    what arrived since its last good build and passes it as the var
    landing_delta: then only those files are read, by a constant "$path" list
    (the form both engines prune text files on). Without it, the files the
    table does not hold yet.
#}
{% macro new_landing_files() -%}
    {%- set delta = var('landing_delta', none) -%}
    {%- if flags.INTROSPECT is false or not is_incremental() -%}
        true
    {%- elif delta is not none -%}
        {{ landing_file_list('"$path"', delta.get(model.name, {}).get('read', [])) }}
    {%- else -%}
        "$path" not in (select distinct parsed.source_file from {{ this }} as parsed)
    {%- endif -%}
{%- endmacro %}

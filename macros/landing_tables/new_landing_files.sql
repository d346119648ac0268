{# Why: a typed landing table is appended to file by file, parsing each file once;
   `stedi build` names the files that arrived (var landing_delta), read by a constant
   "$path" list, which both engines prune text files on. #}
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

{#
    Why: a typed landing table holds the lines of the landing files as they are
    now. A file delivered again under the same name (`stedi load` replaces a
    changed file, `stedi forget` rewrites one) or removed no longer holds the
    lines parsed from it, so before an incremental run this pre-hook deletes
    the lines of every file whose name and modified time are not in landing
    any more; the run then parses the files the table lacks
    (new_landing_files). The pre-hook of every typed landing table (folder
    config in dbt_project.yml); nothing on a full build. The subquery reads
    landing only, never the table it deletes from (docs/athena.md). With the
    var landing_delta (`stedi build`) it reads nothing: it deletes the lines
    of the files named there (changed, removed, or about to be read).
    Argument: relation (the typed table). Its landing source is the one
    `landing` source the model reads (it may also read the `privacy` source).
#}
{% macro delete_redelivered_landing_lines(relation) -%}
    {%- set delta = var('landing_delta', none) %}
    {%- if is_incremental() and delta is not none %}
        {%- set replaced = delta.get(model.name, {}).get('replace', []) %}
        {%- if replaced | length > 0 %}
    delete from {{ relation }} where {{ landing_file_list('source_file', replaced) }}
        {%- endif %}
    {%- elif is_incremental() %}
        {%- set landing = [] %}
        {%- for source_name, table_name in model.sources if source_name == 'landing' %}
            {%- do landing.append([source_name, table_name]) %}
        {%- endfor %}
        {%- if landing | length != 1 %}
            {{ exceptions.raise_compiler_error(
                model.name ~ ': a typed landing table reads exactly one landing source, not '
                ~ landing | length) }}
        {%- endif %}
    delete from {{ relation }}
    where source_file || '|' || cast(source_file_modified_at as varchar) not in (
        select "$path" || '|' || cast({{ to_utc_timestamp('"$file_modified_time"') }} as varchar)
        from {{ source(*landing[0]) }}
    )
    {%- endif %}
{%- endmacro %}

{#
    Why: a landing file delivered again under the same name (`stedi load`
    replaces changed files) carries a newer modified time, so the next
    incremental run parses it again. Its earlier lines must go first or they
    would be counted twice. The pre-hook of every typed landing table (folder
    config in dbt_project.yml); nothing on a full refresh.
    Argument: relation (the typed table). Its landing source is the one
    `landing` source the model reads (it may also read the `privacy` source).
#}
{% macro delete_redelivered_landing_lines(relation) -%}
    {%- if is_incremental() %}
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
    where source_file in (
        select "$path" from {{ source(*landing[0]) }}
        where {{ new_landing_files() }}
    )
    {%- endif %}
{%- endmacro %}

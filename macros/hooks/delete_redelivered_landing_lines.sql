{# Why: a typed landing table holds the landing files as they are now; a file
   delivered again, rewritten or removed no longer holds the lines parsed from it. #}
{% macro delete_redelivered_landing_lines(relation) -%}
    {%- set replaced = landing_file_list('source_file', model.name, 'replace') %}
    {%- if is_incremental() and replaced is not none %}
        {%- if replaced != 'false' %}
    delete from {{ relation }} where {{ replaced }}
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
        select files.source_file || '|' || cast(files.source_file_modified_at as varchar)
        from (select {{ landing_file_columns() }} from {{ source(*landing[0]) }}) as files
    )
    {%- endif %}
{%- endmacro %}

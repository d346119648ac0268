{#
    Why: a generic test's `where` config cannot call a project macro (it is
    rendered with the YAML context), so, as dbt's docs on `where` suggest,
    this override of dbt's own macro replaces a placeholder:
    `where: __written_in_this_build__` becomes written_in_this_build().
    Otherwise dbt's behaviour: the relation, filtered by `where` when set.
    Argument: relation (the tested relation).
#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- set where = where | replace('__written_in_this_build__', written_in_this_build()) -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

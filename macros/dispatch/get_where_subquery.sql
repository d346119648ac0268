{# Why: dbt documents this override for a `where` that needs macros
   (docs.getdbt.com/reference/resource-configs/where, "Custom logic"). `unique` and
   `not_null` declare no ref but their model's, so the typed tables come from the graph. #}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- set sliced = model.test_metadata.name in ['unique', 'not_null', 'relationships', 'accepted_values'] -%}
    {%- if where == 'rewritten_rows' and not (sliced and follows_the_landing_delta()) -%}
        {%- set where = none -%}
    {%- elif where == 'rewritten_rows' -%}
        {%- set typed = {} -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name.endswith('_landing_typed') -%}
            {%- do typed.update({node.name: api.Relation.create(
                database=node.database, schema=node.schema, identifier=node.alias)}) -%}
        {%- endfor -%}
        {%- set key = graph.nodes[model.attached_node].config.meta.get('rewritten_by', 'customer_id') -%}
        {%- set where = rewritten_rows(key, typed) -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

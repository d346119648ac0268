{# Why: the purge and its check must visit the same tables. #}
{% macro purgeable_relations(zones=none) %}
    {%- set zones = zones or ['trusted', 'curated'] -%}
    {%- set relations = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model'
        and node.config.materialized in ['table', 'incremental']
        and node.fqn[1] in zones -%}
        {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
        {%- if relation is none -%}
            {%- do log('skip (not built): ' ~ node.name, info=true) -%}
        {%- else -%}
            {%- do relations.append(relation) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(relations) }}
{% endmacro %}

{% macro forget_delete_statement(relation, predicate) -%}
    {{ return(adapter.dispatch('forget_delete_statement', 'stedi')(relation, predicate)) }}
{%- endmacro %}

{% macro trino__forget_delete_statement(relation, predicate) -%}
    {{ return('delete from ' ~ relation ~ ' where ' ~ predicate) }}
{%- endmacro %}

{% macro athena__forget_delete_statement(relation, predicate) -%}
    {{ return('delete from ' ~ relation.schema ~ '.' ~ relation.identifier
              ~ ' where ' ~ predicate) }}
{%- endmacro %}

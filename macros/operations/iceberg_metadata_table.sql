{# Why: Trino and Athena name a table's Iceberg metadata tables alike. #}
{% macro iceberg_metadata_table(relation, kind) -%}
    {{ relation.incorporate(path={'identifier': relation.identifier ~ '$' ~ kind}) }}
{%- endmacro %}

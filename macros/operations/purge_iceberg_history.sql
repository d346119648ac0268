{# Why: DELETE and CREATE OR REPLACE on Iceberg are logical; removed rows stay in
   older snapshots and files until the history is purged. #}
{% macro purge_iceberg_history(dry_run=true) %}
    {% for relation in purgeable_relations() %}
        {% do purge_iceberg_table(relation, dry_run) %}
    {% endfor %}
{% endmacro %}

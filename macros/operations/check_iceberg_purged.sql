{# Why: "is every trusted/curated table purged?" as a run-operation anyone can run at
   any time (after `stedi purge --execute`, or to see whether a purge is due). #}
{% macro check_iceberg_purged() %}
    {% for relation in purgeable_relations() %}
        {% do assert_iceberg_purged(relation) %}
    {% endfor %}
{% endmacro %}

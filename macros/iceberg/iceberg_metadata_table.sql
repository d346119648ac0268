{#
    Why: Iceberg exposes a table's history as metadata tables named
    "<table>$<kind>" (snapshots, history, files), in Trino and in Athena alike.
    Arguments: relation (an Iceberg table), kind (e.g. 'snapshots').
#}
{% macro iceberg_metadata_table(relation, kind) -%}
    {{ relation.incorporate(path={'identifier': relation.identifier ~ '$' ~ kind}) }}
{%- endmacro %}

{#
    Why: the pre-flight creates scratch Iceberg tables the way each engine's dbt
    adapter does for the models: Athena CTAS with table_type='iceberg' at an
    explicit location (create-table-as.html; dbt-athena's create_table_as),
    Trino CTAS with the Iceberg connector's table properties.
    Arguments: relation, location (s3:// prefix, Athena only), select_sql.
#}
{% macro preflight_iceberg_ctas(relation, location, select_sql) -%}
    {{ return(adapter.dispatch('preflight_iceberg_ctas', 'stedi')(relation, location, select_sql)) }}
{%- endmacro %}

{% macro trino__preflight_iceberg_ctas(relation, location, select_sql) -%}
    create table {{ relation }} with (format = 'PARQUET') as {{ select_sql }}
{%- endmacro %}

{% macro athena__preflight_iceberg_ctas(relation, location, select_sql) -%}
    create table {{ relation }}
    with (table_type = 'iceberg', is_external = false, location = '{{ location }}',
          format = 'parquet')
    as {{ select_sql }}
{%- endmacro %}

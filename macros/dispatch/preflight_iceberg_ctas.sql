{# Why: the pre-flight must create its scratch Iceberg tables the way each
   engine's dbt adapter creates the models, or it proves nothing about them. #}
{% macro trino__preflight_iceberg_ctas(relation, location, select_sql) -%}
    create table {{ relation }} with (format = 'PARQUET') as {{ select_sql }}
{%- endmacro %}

{% macro athena__preflight_iceberg_ctas(relation, location, select_sql) -%}
    create table {{ relation }}
    with (table_type = 'iceberg', is_external = false, location = '{{ location }}',
          format = 'parquet')
    as {{ select_sql }}
{%- endmacro %}

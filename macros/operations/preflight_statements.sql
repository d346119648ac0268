{# Why: no AWS account is reachable from CI, so a user proves once on their own
   account that Athena accepts each feature the project sends (docs/athena.md). #}
{% macro preflight_statements(schema, landing_location, table_location, suffix='') %}
    {%- set landing_db = 'hive' if target.type == 'trino' else target.database -%}
    {%- set landing = api.Relation.create(database=landing_db, schema=schema,
                                          identifier='preflight_landing' ~ suffix) -%}
    {%- set typed = api.Relation.create(database=target.database, schema=schema,
                                        identifier='preflight_iceberg' ~ suffix, type='table') -%}
    {%- set source = api.Relation.create(database=target.database, schema=schema,
                                         identifier='preflight_consenting' ~ suffix, type='table') -%}
    {%- set rows -%}
        select cast(1 as bigint) as reading_id, 'a' as customer_id,
            cast('2024-01-01 00:00:00.123456' as timestamp(6)) as loaded_at
        union all
        select cast(2 as bigint), 'b', cast('2024-01-01 00:00:01.000001' as timestamp(6))
        union all
        select cast(3 as bigint), 'c', cast('2024-01-01 00:00:02' as timestamp(6))
    {%- endset -%}
    {%- set ddl = adapter.dispatch('preflight_scratch_ddl', 'stedi')(landing, [
        {'relation': typed, 'location': table_location ~ typed.identifier ~ '/', 'sql': rows},
        {'relation': source, 'location': table_location ~ source.identifier ~ '/',
         'sql': "select 'a' as customer_id"}]) -%}
    {%- set steps = [] -%}
    {%- for statement in ddl['create'] -%}
        {%- do steps.append({'feature': 'create a scratch database', 'sql': statement, 'cleanup': false}) -%}
    {%- endfor -%}
    {%- do steps.append({'feature': 'landing external table DDL (raw JSON lines)',
        'sql': adapter.dispatch('landing_table_ddl', 'stedi')(landing, landing_location), 'cleanup': false}) -%}
    {%- do steps.append({'feature': 'read "$path" and "$file_modified_time"',
        'sql': 'select raw_line, "$path", "$file_modified_time" from ' ~ landing
            ~ ' where "$file_modified_time" > timestamp \'1970-01-01 00:00:00.000000 UTC\'',
        'cleanup': false}) -%}
    {%- do steps.append({'feature': 'timestamp(6) casts',
        'sql': "select cast('2024-01-01 00:00:00.123456' as timestamp(6)) as loaded_at",
        'cleanup': false}) -%}
    {%- for statement in ddl['ctas'] -%}
        {%- do steps.append({'feature': 'Iceberg CTAS at the configured location',
            'sql': statement, 'cleanup': false}) -%}
    {%- endfor -%}
    {%- do steps.append({'feature': 'DELETE ... NOT IN (uncorrelated subquery)',
        'sql': 'delete from ' ~ typed ~ ' where customer_id not in (select consenting.customer_id from '
            ~ source ~ ' as consenting) and customer_id = \'c\'', 'cleanup': false}) -%}
    {%- do steps.append({'feature': 'Iceberg metadata tables "t$snapshots", "t$files"',
        'sql': 'select count(*) from ' ~ iceberg_metadata_table(typed, 'snapshots'), 'cleanup': false}) -%}
    {%- do steps.append({'feature': 'Iceberg metadata tables "t$snapshots", "t$files"',
        'sql': iceberg_files_query(typed),
        'capture': 'before', 'cleanup': false}) -%}
    {%- for statement in adapter.dispatch('iceberg_purge_statements', 'stedi')(typed) -%}
        {%- do steps.append({'feature': 'purge: ' ~ statement.sql.split()[0] | upper
            ~ (' (repeated while ' ~ statement.more_runs | upper ~ ' needs more runs)' if statement.more_runs else ''),
            'sql': statement.sql, 'more_runs': statement.more_runs, 'cleanup': false}) -%}
    {%- endfor -%}
    {%- do steps.append({'feature': 'purge check: check_iceberg_purged (as stedi purge and forget run it)',
        'sql': 'check_iceberg_purged([' ~ typed ~ '], before)', 'macro': 'check_iceberg_purged',
        'args': {'relations': [typed]}, 'cleanup': false}) -%}
    {%- for statement in ddl['drop'] -%}
        {%- do steps.append({'feature': 'drop what the pre-flight made', 'sql': statement, 'cleanup': true}) -%}
    {%- endfor -%}
    {{ return(steps) }}
{% endmacro %}

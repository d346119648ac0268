{# Why: a purge that silently did nothing (a skipped rewrite, a threshold, Athena's
   VACUUM without s3:DeleteObject "succeeding") would leave withdrawn rows in files. #}
{% macro assert_iceberg_purged(relation, before=none, raise_error=true) %}
    {%- set snapshots = run_query(
        'select count(*) from ' ~ iceberg_metadata_table(relation, 'snapshots')
    ).columns[0].values()[0] -%}
    {%- set after = run_query('select file_path, content from '
        ~ iceberg_metadata_table(relation, 'files')) -%}
    {%- set had_deletes = before is not none
        and before.columns[1].values() | reject('equalto', 0) | list | length > 0 -%}
    {%- set problems = [] -%}
    {%- if snapshots != 1 -%}
        {%- do problems.append(snapshots ~ ' snapshots left, expected 1') -%}
    {%- endif -%}
    {%- set delete_files = after.columns[1].values() | reject('equalto', 0) | list | length -%}
    {%- if delete_files > 0 -%}
        {%- do problems.append(delete_files ~ ' delete files still referenced') -%}
    {%- endif -%}
    {%- if had_deletes -%}
        {%- set kept = after.columns[0].values() | select('in', before.columns[0].values()) | list -%}
        {%- if kept -%}
            {%- do problems.append(kept | length ~ ' files from before the purge still referenced, e.g. ' ~ kept[0]) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if problems and not raise_error -%}
        {{ return('purge of ' ~ relation ~ ' did not finish: ' ~ problems | join('; ')) }}
    {%- elif problems -%}
        {{ exceptions.raise_compiler_error('purge of ' ~ relation ~ ' did not finish: '
            ~ problems | join('; ')
            ~ '. Nothing was lost; run the purge again, and on Athena check the '
            ~ 'role has s3:DeleteObject on the table location (docs/athena.md).') }}
    {%- endif -%}
    {%- do log('purged: ' ~ relation ~ ' (1 snapshot, ' ~ after.columns[0].values() | length
        ~ ' data files)', info=true) -%}
{% endmacro %}

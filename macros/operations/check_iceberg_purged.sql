{# Why: a purge that silently did nothing (a skipped rewrite, a threshold, Athena's
   VACUUM without s3:DeleteObject "succeeding") would leave withdrawn rows in files;
   one check, run by the purge after each table and by anyone at any time. #}
{% macro check_iceberg_purged(relations=none, before={}) %}
    {%- set unfinished = [] -%}
    {%- for relation in (purgeable_relations() if relations is none else relations) -%}
        {%- set snapshots = run_query(
            'select count(*) from ' ~ iceberg_metadata_table(relation, 'snapshots')
        ).columns[0].values()[0] -%}
        {%- set after = run_query(iceberg_files_query(relation)) -%}
        {%- set earlier = before.get(relation | string) -%}
        {%- set problems = [] -%}
        {%- if snapshots != 1 -%}
            {%- do problems.append(snapshots ~ ' snapshots left, expected 1') -%}
        {%- endif -%}
        {%- set delete_files = after.columns[1].values() | reject('equalto', 0) | list | length -%}
        {%- if delete_files > 0 -%}
            {%- do problems.append(delete_files ~ ' delete files still referenced') -%}
        {%- endif -%}
        {%- if earlier is not none and earlier.columns[1].values() | reject('equalto', 0) | list -%}
            {%- set kept = after.columns[0].values() | select('in', earlier.columns[0].values()) | list -%}
            {%- if kept -%}
                {%- do problems.append(kept | length ~ ' files from before the purge still referenced, e.g. ' ~ kept[0]) -%}
            {%- endif -%}
        {%- endif -%}
        {%- if problems -%}
            {%- do unfinished.append('purge of ' ~ relation ~ ' did not finish: ' ~ problems | join('; ')) -%}
        {%- else -%}
            {%- do log('purged: ' ~ relation ~ ' (1 snapshot, ' ~ after.columns[0].values() | length
                ~ ' data files)', info=true) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if unfinished -%}
        {{ exceptions.raise_compiler_error(unfinished | join('\n')
            ~ '\nErased rows may remain in these tables\' files. Run the purge again, and on'
            ~ ' Athena check the role has s3:DeleteObject on the table location'
            ~ ' (docs/athena.md).') }}
    {%- endif -%}
{% endmacro %}

{# Why: "is every trusted/curated table purged?" as a run-operation anyone can run at
   any time (after `stedi purge --execute`, or to see whether a purge is due). #}
{% macro check_iceberg_purged() %}
    {%- set unfinished = [] -%}
    {%- for relation in purgeable_relations() -%}
        {%- set problem = assert_iceberg_purged(relation, raise_error=false) -%}
        {%- if problem | trim -%}{%- do unfinished.append(problem | trim) -%}{%- endif -%}
    {%- endfor -%}
    {%- if unfinished -%}
        {{ exceptions.raise_compiler_error(unfinished | join('\n')
            ~ '\nErased rows may remain in these tables\' files. Run the purge again, and on'
            ~ ' Athena check the role has s3:DeleteObject on the table location'
            ~ ' (docs/athena.md).') }}
    {%- endif -%}
{% endmacro %}

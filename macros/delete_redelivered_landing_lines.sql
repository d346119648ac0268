{#
    Why: a landing file delivered again under the same name (`stedi load`
    replaces files) carries a newer modified time, so the next incremental run
    parses it again. Its earlier lines must go first or they would be counted
    twice. Used as a typed landing table's pre-hook (nothing on a full refresh).
    Arguments: relation (the typed table), landing (its landing source).
#}
{% macro delete_redelivered_landing_lines(relation, landing) -%}
    {%- if is_incremental() %}
    delete from {{ relation }}
    where source_file in (
        select "$path" from {{ landing }}
        where {{ new_landing_files() }}
    )
    {%- endif %}
{%- endmacro %}

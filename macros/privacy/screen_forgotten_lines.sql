{# Why: the typed tables that hold an email must screen forgotten customers' lines
   the same way; one place decides what of such a line is kept. #}
{% macro screen_forgotten_lines(lines, email, parsed) -%}
    select
        source_file,
        source_file_modified_at,
        has_field_delimiter,
        is_forgotten,
        {%- for column in ['raw_line'] + parsed %}
            case when not is_forgotten then {{ column }} end as {{ column }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from (
        select
            *,
            {{ is_forgotten_customer(email, 'raw_line') }} as is_forgotten
        from {{ lines }}
    ) as checked
{%- endmacro %}

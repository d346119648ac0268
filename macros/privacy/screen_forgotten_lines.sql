{#
    Why: the typed landing tables that hold an email (customer, accelerometer)
    screen forgotten customers' lines (stedi forget) the same way: such a line
    keeps its file and time only, flagged is_forgotten, so it is counted and
    has the reason `forgotten` but none of its text or values. One place
    decides what of such a line is kept.
    Arguments: lines (the relation or CTE of landing lines: source_file,
    source_file_modified_at, has_field_delimiter, raw_line and the `parsed`
    columns), email (varchar expression over it: the line's email as
    delivered), parsed (the names of its parsed columns, blanked too).
    Returns a select of source_file, source_file_modified_at,
    has_field_delimiter, is_forgotten, raw_line and the `parsed` columns.
#}
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

{#
    Why: a person who asked to be forgotten (`stedi forget`) must not come back
    when an old landing file is delivered again. The typed landing tables test
    each line with this macro and keep a forgotten customer's line as its file
    and time only, with the reason `forgotten`. A line is theirs when the
    SHA-256 of its normalised email is a request's customer_id, or, for a line
    with no readable email (e.g. truncated), when any email-like word of its
    text is. The requests are the `privacy.forgotten_customers` source: one
    JSON line per request, the customer_id and the time. They are read before
    the model runs and written in as constants; with no request (or no
    warehouse to ask: an offline compile) this is the constant false, so no
    line is hashed.
    Arguments: email (varchar expression: the line's email as delivered),
    raw_line (varchar expression: the line).
#}
{% macro is_forgotten_customer(email, raw_line) -%}
    {%- set registry = source('privacy', 'forgotten_customers') -%}
    {%- set known = [] -%}
    {%- if execute and flags.INTROSPECT is not false
        and adapter.get_relation(registry.database, registry.schema, registry.identifier)
            is not none -%}
        {%- set found = run_query(
            "select distinct upper(json_extract_scalar(raw_line, '$.customer_id')) from "
            ~ registry) -%}
        {%- for row in found.rows
            if row[0] is string and modules.re.fullmatch('[0-9A-F]{64}', row[0]) -%}
            {%- do known.append(row[0]) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if known -%}
        {%- set ids = "array['" ~ known | join("', '") ~ "']" -%}
        coalesce(
            contains({{ ids }}, {{ customer_id(normalize_email(email)) }}),
            cardinality(filter(
                regexp_extract_all(lower({{ raw_line }}), '[a-z0-9._%+-]+@[a-z0-9.-]+'),
                word -> contains({{ ids }}, {{ customer_id('word') }})
            )) > 0,
            false
        )
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

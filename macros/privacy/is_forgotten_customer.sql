{#
    Why: a person who asked to be forgotten (`stedi forget`) must not come back
    when an old landing file is delivered again. The typed landing tables test
    each line with this macro and keep a forgotten customer's line as its file
    and time only, with the reason `forgotten`. A line is theirs when the
    SHA-256 of its normalised email is a request's customer_id, or, for a line
    with no readable email (e.g. truncated), when any email-like word of its
    text is.
    The requests are data, not SQL text: the `privacy.forgotten_customers`
    source (one JSON line per request: the customer_id and the time) is read
    by the query itself, so the statement is the same size with no request or
    a million (Athena caps a query at 262,144 bytes) and nothing is queried at
    compile time. A line's email is looked up with `IN (subquery)`, which
    Trino and Athena plan as a semi join: one hash lookup per line, whatever
    the number of requests. Only a line without a readable email (rare: a
    malformed line) compares the email-like words of its text with the list.
    Arguments: email (varchar expression: the line's email as delivered),
    raw_line (varchar expression: the line).
#}
{% macro is_forgotten_customer(email, raw_line) -%}
    {%- set requests -%}
        (
            select upper(json_extract_scalar(raw_line, '$.customer_id')) as customer_id
            from {{ source('privacy', 'forgotten_customers') }}
            where regexp_like(json_extract_scalar(raw_line, '$.customer_id'), '^[0-9A-Fa-f]{64}$')
        )
    {%- endset -%}
    case
        when {{ email }} is not null
            then coalesce({{ customer_id(normalize_email(email)) }} in (
                select requests.customer_id from {{ requests }} as requests
            ), false)
        else coalesce(arrays_overlap(
            transform(
                regexp_extract_all(lower({{ raw_line }}), '[a-z0-9._%+-]+@[a-z0-9.-]+'),
                word -> {{ customer_id('word') }}
            ),
            (select array_agg(requests.customer_id) from {{ requests }} as requests)
        ), false)
    end
{%- endmacro %}

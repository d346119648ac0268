{# Why: a person who asked to be forgotten must not come back when an old landing
   file is delivered again; requests are data, so the SQL never grows with them. #}
{% macro is_forgotten_customer(email, raw_line) -%}
    {%- set requests -%}
        (
            select map_agg(requests.customer_id, true)
            from (
                select distinct upper(json_extract_scalar(raw_line, '$.customer_id')) as customer_id
                from {{ source('privacy', 'forgotten_customers') }}
                where regexp_like(json_extract_scalar(raw_line, '$.customer_id'), '^[0-9A-Fa-f]{64}$')
            ) as requests
        )
    {%- endset -%}
    case
        when {{ email }} is not null
            then coalesce(element_at({{ requests }}, {{ customer_id(normalize_email(email)) }}), false)
        else coalesce(arrays_overlap(
            transform(
                regexp_extract_all(lower({{ raw_line }}), '[a-z0-9._%+-]+@[a-z0-9.-]+'),
                word -> {{ customer_id('word') }}
            ),
            map_keys({{ requests }})
        ), false)
    end
{%- endmacro %}

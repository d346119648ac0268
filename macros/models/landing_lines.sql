{# Why: the three typed landing models open the same way: each line of the files this
   run reads, parsed once and strictly (a truncated line's leading fields are never
   read), a forgotten person's line screened, and the line-level rejections named once. #}
{% macro landing_lines(source, fields, email=none, row_cast=true) -%}
{%- set row_type -%}
    row({% for key, type in fields %}{{ key | lower }} {{ type }}{{ ", " if not loop.last }}{% endfor %})
{%- endset -%}
{%- set row_read -%}
    ({% for key, type in fields %}row_doc.{{ key | lower }} is not null{{ " and " if not loop.last }}{% endfor %})
{%- endset -%}
with files as (
    select
        {{ landing_file_columns() }},
        raw_line || coalesce(chr(1) || after_field_delimiter, '') as raw_line,
        after_field_delimiter is not null as has_field_delimiter
        {%- if row_cast %},
        -- the guarded row cast: only where it provably reads the line as
        -- the map does (_macros.yml)
        case
            when
                after_field_delimiter is null
                and strpos(raw_line, '{') = 1
                and strpos(substr(raw_line, 2), '{') = 0
                and strpos(raw_line, chr(92)) = 0
                {%- for key, type in fields %}
                and strpos(raw_line, '"{{ key }}":') > 0
                {%- endfor %}
                then try(cast(json_parse(raw_line) as {{ row_type }}))
        end as row_doc
        {%- endif %}
    from {{ source }}
    where
        {% if flags.INTROSPECT is false or not is_incremental() -%}
        true
        {%- else -%}
            {%- set delta_files = landing_file_list('"$path"', model.name) -%}
            {%- if delta_files is not none -%}
        {{ delta_files }}
            {%- else -%}
        "$path" not in (select distinct loaded.source_file from {{ this }} as loaded)
            {%- endif -%}
        {%- endif %}
),

mapped as (
    select
        *,
        case
            when not has_field_delimiter
                {%- if row_cast %} and not {{ row_read }}{% endif %}
                then try(cast(json_parse(raw_line) as map(varchar, json)))
        end as map_doc
    from files
),

parsed as (
    select
        source_file,
        source_file_modified_at,
        raw_line,
        has_field_delimiter,
        case
            {%- if row_cast %}
            when {{ row_read }} then row_doc
            {%- endif %}
            when map_doc is not null then cast(row(
                {%- for key, type in fields %}
                try_cast(element_at(map_doc, '{{ key }}') as {{ type }}){{ "," if not loop.last }}
                {%- endfor %}
            ) as {{ row_type }})
        end as doc
    from mapped
),

screened as (
    select
        *,
        {% if email -%}
        {{ is_forgotten_customer('doc.' ~ email | lower, 'raw_line') }}
        {%- else -%}
        false
        {%- endif %} as is_forgotten
    from parsed
)

select
    source_file,
    source_file_modified_at,
    case when not is_forgotten then raw_line end as raw_line,
    case
        when is_forgotten then 'forgotten'
        when has_field_delimiter then 'field_delimiter_in_line'
        when doc is null then 'malformed_json'
    end as line_rejection_reason,
    case when not is_forgotten then doc end as doc
from screened
{%- endmacro %}

-- One row per landing line of customer/landing/, parsed and typed, with the
-- reason the line is rejected (null when usable). No line is dropped here.
-- Incremental (folder config in dbt_project.yml): a run parses only the landing
-- files the table does not hold yet (a file delivered again replaces its earlier
-- lines).
{{ config(s3_data_dir=lake_location('customer/landing_typed')) }}
with lines as (
    select {{ landing_line_columns() }}
    from {{ source('landing', 'customer_landing') }}
    where {{ new_landing_files() }}
),

screened as (
    -- a forgotten customer's line (stedi forget) keeps its file and time only
    {{ screen_forgotten_lines('lines', json_field('doc', 'email'), ['doc']) }}
),

fields as (
    select
        source_file,
        source_file_modified_at,
        raw_line,
        has_field_delimiter,
        is_forgotten,
        doc,
        {{ json_field('doc', 'customerName') }} as customer_name,
        {{ json_field('doc', 'email') }} as email,
        {{ json_field('doc', 'phone') }} as phone,
        {{ json_field('doc', 'birthDay') }} as birth_day,
        {{ json_field('doc', 'serialNumber') }} as serial_number,
        {{ json_field('doc', 'shareWithResearchAsOfDate') }} as share_with_research_text,
        {{ json_field('doc', 'registrationDate', 'bigint') }} as registration_epoch_ms,
        {{ json_field('doc', 'lastUpdateDate', 'bigint') }} as last_update_epoch_ms,
        {{ json_field('doc', 'shareWithResearchAsOfDate', 'bigint') }}
            as share_with_research_epoch_ms,
        {{ json_field('doc', 'shareWithPublicAsOfDate', 'bigint') }}
            as share_with_public_epoch_ms,
        {{ json_field('doc', 'shareWithFriendsAsOfDate', 'bigint') }}
            as share_with_friends_epoch_ms
    from screened
)

select
    source_file,
    source_file_modified_at,
    raw_line,
    customer_name,
    email,
    {{ normalize_email('email') }} as email_key,
    phone,
    birth_day,
    serial_number,
    registration_epoch_ms,
    last_update_epoch_ms,
    share_with_research_epoch_ms,
    share_with_public_epoch_ms,
    share_with_friends_epoch_ms,
    case
        when is_forgotten then 'forgotten'
        when has_field_delimiter then 'field_delimiter_in_line'
        when doc is null then 'malformed_json'
        when coalesce({{ normalize_email('email') }}, '') = '' then 'missing_email'
        when last_update_epoch_ms is null then 'invalid_last_update_date'
        when
            share_with_research_text is not null
            and share_with_research_epoch_ms is null then 'invalid_research_consent_date'
    end as rejection_reason,
    {{ run_loaded_at() }} as loaded_at
from fields

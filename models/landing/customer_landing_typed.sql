-- One row per landing line of customer/landing/, parsed and typed, with the
-- reason the line is rejected (null when usable). No line is dropped here.
-- Read through the map only (row_cast=false: the row cast's guards are proven
-- on the sensor tables' lines, integration_tests/test_row_cast.py);
-- shareWithResearchAsOfDate stays JSON to tell an absent date from a bad one.
-- `doc.field` is a field of the parsed line, not a table reference:
-- noqa: disable=RF03
{{ config(s3_data_dir=lake_location('customer/landing_typed')) }}
with lines as (
    {{ landing_lines(source('landing', 'customer_landing'),
                     fields=[('customerName', 'varchar'), ('email', 'varchar'),
                             ('phone', 'varchar'), ('birthDay', 'varchar'),
                             ('serialNumber', 'varchar'), ('registrationDate', 'bigint'),
                             ('lastUpdateDate', 'bigint'), ('shareWithResearchAsOfDate', 'json'),
                             ('shareWithPublicAsOfDate', 'bigint'),
                             ('shareWithFriendsAsOfDate', 'bigint')],
                     email='email', row_cast=false) }}
),

fields as (
    select
        source_file,
        source_file_modified_at,
        raw_line,
        line_rejection_reason,
        doc.customername as customer_name,
        doc.email,
        {{ normalize_email('doc.email') }} as email_key,
        doc.phone,
        doc.birthday as birth_day,
        doc.serialnumber as serial_number,
        doc.registrationdate as registration_epoch_ms,
        doc.lastupdatedate as last_update_epoch_ms,
        try_cast(doc.sharewithresearchasofdate as varchar) as share_with_research_text,
        try_cast(doc.sharewithresearchasofdate as bigint) as share_with_research_epoch_ms,
        doc.sharewithpublicasofdate as share_with_public_epoch_ms,
        doc.sharewithfriendsasofdate as share_with_friends_epoch_ms
    from lines
),

classified as (
    select
        *,
        case
            when line_rejection_reason is not null then line_rejection_reason
            when coalesce(email_key, '') = '' then 'missing_email'
            when last_update_epoch_ms is null then 'invalid_last_update_date'
            when
                share_with_research_text is not null
                and share_with_research_epoch_ms is null then 'invalid_research_consent_date'
        end as rejection_reason
    from fields
),

final as (
    -- every line keeps its text: customer_landing_current ranks and keys records by it
    select
        source_file,
        source_file_modified_at,
        raw_line,
        customer_name,
        email,
        email_key,
        phone,
        birth_day,
        serial_number,
        registration_epoch_ms,
        last_update_epoch_ms,
        share_with_research_epoch_ms,
        share_with_public_epoch_ms,
        share_with_friends_epoch_ms,
        rejection_reason
    from classified
)

select * from final

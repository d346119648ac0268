-- One row per distinct accelerometer reading (customer, time, x, y, z) of a
-- customer_trusted customer; a reading delivered twice appears once.
-- Incremental: a run reads landing files newer than the table's watermark,
-- plus all lines of customers whose consent is new or changed; a post-hook
-- deletes the rows of customers who no longer consent.


with customers as (
    select
        customer_id,
        email,
        share_with_research_epoch_ms
    from "iceberg"."stedi_trusted"."customer_trusted"
),

lines as (
    select
        customers.customer_id,
        customers.share_with_research_epoch_ms as consent_version,
        landing.reading_epoch_ms,
        landing.x,
        landing.y,
        landing.z,
        landing.source_file_modified_at
    from "iceberg"."stedi_landing"."accelerometer_landing_typed" as landing
    inner join customers
        on landing.email_key = customers.email
    where
        landing.rejection_reason is null
        and true
        and (landing.source_file_modified_at
        > timestamp '2026-11-25 09:47:39.205000 UTC'
        or false)
)

select
    to_hex(md5(to_utf8(coalesce(cast(customer_id as varchar), '<null>') || '|' || coalesce(cast(reading_epoch_ms as varchar), '<null>') || '|' || coalesce(cast(x as varchar), '<null>') || '|' || coalesce(cast(y as varchar), '<null>') || '|' || coalesce(cast(z as varchar), '<null>'))))
        as accelerometer_reading_id,
    customer_id,
    reading_epoch_ms,
    cast(
        date_add('millisecond', reading_epoch_ms % 1000, from_unixtime(reading_epoch_ms / 1000))
        at time zone 'UTC' as timestamp(6)
    ) as reading_at,
    x,
    y,
    z,
    consent_version,
    cast(max(source_file_modified_at) at time zone 'UTC' as timestamp(6)) as landing_file_modified_at,
    cast('2026-11-25 09:50:06.000394' as timestamp(6)) as loaded_at
from lines
group by customer_id, consent_version, reading_epoch_ms, x, y, z
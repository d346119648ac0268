
  
    create or replace table
    "iceberg"."stedi_curated"."customers_curated"
    
  (
    customer_id varchar,
    source_record_id varchar,
    email varchar,
    customer_name varchar,
    phone varchar,
    birth_day varchar,
    serial_number varchar,
    registered_at timestamp(6),
    last_updated_at timestamp(6),
    share_with_research_epoch_ms bigint,
    research_consent_at timestamp(6),
    public_consent_at timestamp(6),
    friends_consent_at timestamp(6)
    
    )

    
    comment 'One row per customer_trusted customer who has at least one accelerometer_trusted reading: the customers whose Step Trainer data can be attributed.
'
    WITH (format = 'PARQUET')
  ;

  insert into "iceberg"."stedi_curated"."customers_curated"
    (
      
    select customer_id, source_record_id, email, customer_name, phone, birth_day, serial_number, registered_at, last_updated_at, share_with_research_epoch_ms, research_consent_at, public_consent_at, friends_consent_at
    from (
        -- One row per customer_trusted customer with at least one accelerometer_trusted reading.
select customers.*
from "iceberg"."stedi_trusted"."customer_trusted" as customers
where customers.customer_id in (
    select readings.customer_id from "iceberg"."stedi_trusted"."accelerometer_trusted" as readings
)
    ) as model_subq
    )
  ;

  
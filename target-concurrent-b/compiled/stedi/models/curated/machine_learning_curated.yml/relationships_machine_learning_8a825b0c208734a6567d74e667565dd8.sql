
    
    

with child as (
    select accelerometer_reading_id as from_field
    from "iceberg"."stedi_curated"."machine_learning_curated"
    where accelerometer_reading_id is not null
),

parent as (
    select accelerometer_reading_id as to_field
    from "iceberg"."stedi_trusted"."accelerometer_trusted"
)

select
    from_field

from child
left join parent
    on child.from_field = parent.to_field

where parent.to_field is null



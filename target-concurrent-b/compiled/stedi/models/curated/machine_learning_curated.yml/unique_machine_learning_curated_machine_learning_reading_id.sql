
    
    

select
    machine_learning_reading_id as unique_field,
    count(*) as n_records

from "iceberg"."stedi_curated"."machine_learning_curated"
where machine_learning_reading_id is not null
group by machine_learning_reading_id
having count(*) > 1



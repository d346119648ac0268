
    
    

select
    email as unique_field,
    count(*) as n_records

from "iceberg"."stedi_trusted"."customer_trusted"
where email is not null
group by email
having count(*) > 1



-- One row per rejected landing line of accelerometer/landing/: the line as delivered,
-- the file it came from, and why it cannot be used.
select
    source_file,
    raw_line,
    outcome_reason as rejection_reason
from "iceberg"."stedi_landing"."accelerometer_landing_outcome"
where outcome = 'rejected'
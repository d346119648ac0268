-- One row per quarantined landing line of customer/landing/: the line as
-- delivered, the file it came from, and why it cannot be used: a rejected
-- line, or any record of a customer held out on doubt (until it is fixed).
select
    source_file,
    raw_line,
    outcome_reason as rejection_reason,
    held_out_reason
from {{ ref('customer_landing_outcome') }}
where outcome = 'rejected' or held_out_reason is not null

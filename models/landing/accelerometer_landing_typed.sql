-- One row per landing line of accelerometer/landing/, parsed and typed.
-- `user` and `timestamp` are reserved words: renamed to email / reading_epoch_ms.
with lines as (
    -- Each line is parsed once, strictly, into a map of its scalar fields as
    -- text: a malformed (e.g. truncated) line gets a null doc, so none of its
    -- fields is read. (json_extract_scalar on the raw text reads a truncated
    -- line's leading fields, a cut-off number included; json_parse followed by
    -- json_extract_scalar is right but parses every line six times.)
    select
        "$path" as source_file,
        raw_line,
        try(cast(json_parse(raw_line) as map (varchar, varchar))) as doc
    from {{ source('landing', 'accelerometer_landing') }}
)

select
    lines.source_file,
    lines.raw_line,
    element_at(lines.doc, 'user') as email,
    {{ normalize_email("element_at(lines.doc, 'user')") }} as email_key,
    try_cast(element_at(lines.doc, 'timestamp') as bigint) as reading_epoch_ms,
    try_cast(element_at(lines.doc, 'x') as double) as x,
    try_cast(element_at(lines.doc, 'y') as double) as y,
    try_cast(element_at(lines.doc, 'z') as double) as z
from lines

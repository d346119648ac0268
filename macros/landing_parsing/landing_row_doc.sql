{#
    Why: parsing a sensor line through `cast(... as map(varchar, json))` writes
    every value back out as JSON text that `try_cast` then parses again; a direct
    cast to a ROW reads each typed field in one pass (about twice as fast). But
    the row cast reads some lines the map path rejects: it matches JSON keys to
    fields case-insensitively ("USER" fills `user`), reads an array by position,
    and cannot see where a key was written. So it is used only where these
    guards prove it reads the line exactly as the map path does, and is null
    (the line goes through the map path, json_field) everywhere else:
      * no field delimiter, and the line starts with `{` and holds no other `{`
        (a JSON object without nested objects: every key is a top-level key);
      * no backslash (no escapes: each key is written as it reads);
      * each field's key is written exactly, as `"key":` (with no escapes and no
        nested object, that text can only be the top-level key itself);
      * the cast succeeds (it fails, giving null, when a value does not cast or
        when a key is there twice, in the same or another case).
    Then each field holds the value of the exact key, cast by the same JSON cast
    `try_cast` uses. The model uses the row only where every field is non-null
    (landing_row_read): the map path decides the rest. Field names are lower case and unquoted: Trino lower-cases
    the JSON keys it matches (a quoted camelCase field name would never match),
    and SQLFluff's Athena dialect does not parse quoted row field names.
    Arguments: fields (list of (key, type) pairs, the key as written in JSON).
    Use in a select list over a landing source (with landing_line_columns).
#}
{% macro landing_row_doc(fields) -%}
    case
        when
            after_field_delimiter is null
            and strpos(raw_line, '{') = 1
            and strpos(substr(raw_line, 2), '{') = 0
            and strpos(raw_line, chr(92)) = 0
            {%- for key, type in fields %}
            and strpos(raw_line, '"{{ key }}":') > 0
            {%- endfor %}
            then try(cast(json_parse(raw_line) as row(
                {%- for key, type in fields %}{{ key | lower }} {{ type }}{{ ", " if not loop.last }}{% endfor -%}
            )))
    end
{%- endmacro %}

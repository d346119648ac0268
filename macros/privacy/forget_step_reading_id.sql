{#
    Why: erasure finds a Step Trainer reading by its id as a request records
    it: the SHA-256 (upper hex) of "<serial number>|<epoch ms>"
    (stedi.privacy.forgotten.step_reading_id).
    Arguments: serial_number, epoch_ms (SQL expressions).
#}
{% macro forget_step_reading_id(serial_number, epoch_ms) -%}
    {{ customer_id(serial_number ~ " || '|' || cast(" ~ epoch_ms ~ " as varchar)") }}
{%- endmacro %}

{#
    Why: machine_learning_curated is incremental; a pair must go when either of
    its readings has left the trusted tables (consent withdrawn, attribution
    lost). Used as the model's post-hook (renders nothing on a full refresh:
    the table was just rebuilt from the trusted tables).
    Argument: relation (the machine_learning_curated table).
#}
{% macro delete_orphaned_machine_learning_rows(relation) -%}
    {%- if not should_full_refresh() %}
    delete from {{ relation }}
    where
        step_trainer_reading_id not in (
            select steps.step_trainer_reading_id
            from {{ ref('step_trainer_trusted') }} as steps
        )
        or accelerometer_reading_id not in (
            select phone.accelerometer_reading_id
            from {{ ref('accelerometer_trusted') }} as phone
        )
    {%- endif %}
{%- endmacro %}

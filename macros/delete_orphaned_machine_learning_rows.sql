{#
    Why: machine_learning_curated is incremental; a pair must go when either of
    its readings has left the trusted tables (consent withdrawn, attribution
    lost). Used as the model's post-hook (renders nothing on a full refresh:
    the table was just rebuilt from the trusted tables).
    Readings leave a trusted table only by a delete or a rebuild, so the
    anti-join runs only when the Iceberg history of step_trainer_trusted or
    accelerometer_trusted shows one since this table was last loaded.
    Argument: relation (the machine_learning_curated table).
#}
{% macro delete_orphaned_machine_learning_rows(relation) -%}
    {%- if not should_full_refresh() and execute %}
        {%- set check_sql -%}
            select count(*) from (
                {%- for upstream in [ref('step_trainer_trusted'), ref('accelerometer_trusted')] %}
                select snapshots.committed_at
                from {{ iceberg_metadata_table(upstream, 'snapshots') }} as snapshots
                where snapshots.operation = 'delete' or snapshots.parent_id is null
                {{- ' union all' if not loop.last }}
                {%- endfor %}
            ) as removals
            where removals.committed_at > (
                select coalesce(max(own.committed_at), timestamp '1970-01-01 00:00:00 UTC')
                from {{ iceberg_metadata_table(relation, 'snapshots') }} as own
                where own.committed_at < with_timezone({{ run_loaded_at() }}, 'UTC')
            )
        {%- endset %}
        {%- if run_query(check_sql).columns[0].values()[0] > 0 %}
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
    {%- endif %}
{%- endmacro %}

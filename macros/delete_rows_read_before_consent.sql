{#
    Why: in strict mode (`strict_consent: true`) a reading taken before the
    customer's research-consent time is not shared; when a customer's consent
    is re-dated later, rows an incremental table already holds can fall before
    it. Used as a post-hook beside delete_rows_without_consent; renders nothing
    outside strict mode and on a full refresh (the table was just rebuilt).
    Statement form (docs/athena.md): the per-row time rule needs the customer's
    consent time, so it is a MERGE INTO t USING (query) ON ... WHEN MATCHED
    THEN DELETE, not a correlated DELETE.
    Arguments: relation (the model's table), reading_time_column (epoch ms).
#}
{% macro delete_rows_read_before_consent(relation, reading_time_column) -%}
    {%- if var('strict_consent') and not should_full_refresh() and execute %}
    merge into {{ relation }} as held
    using (
        select consenting.customer_id, consenting.share_with_research_epoch_ms
        from {{ ref('customer_trusted') }} as consenting
    ) as consenting
        on held.customer_id = consenting.customer_id
        and held.{{ reading_time_column }} < consenting.share_with_research_epoch_ms
    when matched then delete
    {%- endif %}
{%- endmacro %}

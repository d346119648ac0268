{#
    Why: the privacy policy in one place. A customer record grants research
    consent when shareWithResearchAsOfDate holds a timestamp: not null, not 0.
    Which record counts, and when doubt denies consent, is decided in
    models/landing/customer_landing_current.sql (the one model that calls this
    macro), fail closed:
      * the current record is the usable one with the latest lastUpdateDate;
      * records tied on that latest lastUpdateDate that disagree about consent
        (one grants and one does not, or different dates) -> no consent;
      * a record that names the email but whose lastUpdateDate is missing or
        not a number, or whose shareWithResearchAsOfDate is not a number, may
        be the newest one (a withdrawal) -> no consent, unless its readable
        lastUpdateDate is older than the current record's.
    Argument: epoch_ms_column (the record's shareWithResearchAsOfDate, bigint).
#}
{% macro has_research_consent(epoch_ms_column) -%}
    ({{ epoch_ms_column }} is not null and {{ epoch_ms_column }} <> 0)
{%- endmacro %}

{#
    Why: one place builds every S3 URI of the lake, so the bucket comes from
    the `landing_bucket` var (STEDI_BUCKET) alone and the layout stays
    s3://<bucket>/<entity>/<zone>/: the landing external tables read
    <entity>/landing/, and each Athena table's data lives under its
    <entity>/<zone>/ (the models' s3_data_dir; dbt-athena adds
    <table>/<uuid>/ to it). Trino keeps the Iceberg catalog's own locations.
    Arguments: prefix (the path in the bucket, e.g. 'customer/trusted').
#}
{% macro lake_location(prefix) -%}
    s3://{{ var('landing_bucket') }}/{{ prefix.strip('/') }}/
{%- endmacro %}

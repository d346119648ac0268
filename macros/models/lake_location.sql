{# Why: one place builds every S3 URI of the lake, so the bucket comes from the
   `landing_bucket` var alone and the layout stays s3://<bucket>/<entity>/<zone>/. #}
{% macro lake_location(prefix) -%}
    s3://{{ var('landing_bucket') }}/{{ prefix.strip('/') }}/
{%- endmacro %}

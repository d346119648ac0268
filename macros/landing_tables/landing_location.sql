{#
    Why: one place builds the S3 URI of a landing prefix, so the bucket comes
    from the `landing_bucket` var and the layout stays s3://<bucket>/<entity>/landing/.
#}
{% macro landing_location(prefix) -%}
    s3://{{ var('landing_bucket') }}/{{ prefix.strip('/') }}/
{%- endmacro %}

{# Why: trusted and curated rewrite only what changed when `stedi build` vouches that
   landing only gained files since its last good build (`appended_only` in
   $STEDI_LANDING_DELTA); otherwise they build whole, as a full refresh (docs/incremental.md). #}
{% macro follows_the_landing_delta() -%}
    {%- set delta = fromjson(env_var('STEDI_LANDING_DELTA', 'null')) -%}
    {{ return(delta is mapping and delta.get('appended_only', false) == true) }}
{%- endmacro %}

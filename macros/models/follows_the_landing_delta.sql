{# Why: trusted and curated rewrite only what changed when `stedi build` vouches that
   landing only gained files since its last good build (`appended_only` in the var
   landing_delta); otherwise they build whole, as a full refresh (docs/incremental.md). #}
{% macro follows_the_landing_delta() -%}
    {%- set delta = var('landing_delta', none) -%}
    {{ return(delta is mapping and delta.get('appended_only', false) == true) }}
{%- endmacro %}

{# Why: trusted and curated recompute only what changed when `stedi build` vouches
   that landing only gained files since its last good build (`appended_only` in the
   var landing_delta); otherwise (a plain `dbt build`, a file replaced or removed, an
   erasure, other arguments or code) they build whole, as a full refresh. #}
{% macro follows_the_landing_delta() -%}
    {%- set delta = var('landing_delta', none) -%}
    {{ return(delta is mapping and delta.get('appended_only', false) == true) }}
{%- endmacro %}

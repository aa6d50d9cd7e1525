{#
  Post-hook of every model: refresh the planner's statistics of a freshly built table, so the next model in the
  same run gets real row estimates (a just-created table reads as 1 row, which led PostgreSQL to nested loops
  over thousands of rows). Views have no statistics of their own and are skipped.
#}
{% macro analyze_table() -%}
    {%- if model.config.materialized in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

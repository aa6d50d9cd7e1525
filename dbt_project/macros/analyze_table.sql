{#
  Post-hook of every model: refresh the planner's statistics of a freshly built table, so the next model in the
  same run gets real row estimates (a just-created table reads as 1 row, which led PostgreSQL to nested loops
  over thousands of rows). Views have no statistics of their own: for them the hook renders nothing, which dbt does
  not run. An incremental model is analyzed
  only when it has never been (a new table: a first or full build), or has grown by a fifth or more since it last was: ANALYZE samples the same 30,000
  rows whatever the change, ~2 s on a wide table, which an hourly run of a few hundred changed dossiers should not
  pay; PostgreSQL's autovacuum analyzes it after that as its changes accumulate.
#}
{% macro analyze_table() -%}
    {%- if model.config.materialized == 'table' -%}
        analyze {{ this }}
    {%- elif model.config.materialized == 'incremental' -%}
        {%- set name = adapter.quote(this.schema) ~ "." ~ adapter.quote(this.identifier) -%}
        do $analyze$ begin
            -- never analyzed (CREATE INDEX sets reltuples, not the column statistics the planner needs), or grown
            if (select (pg_stat_get_last_analyze_time(c.oid) is null and pg_stat_get_last_autoanalyze_time(c.oid) is null)
                    or pg_relation_size(c.oid) > 1.2 * c.relpages::bigint * current_setting('block_size')::bigint
                from pg_class as c where c.oid = '{{ name }}'::regclass) then
                execute 'analyze {{ name }}';
            end if;
        end $analyze$
    {%- endif -%}
{%- endmacro %}

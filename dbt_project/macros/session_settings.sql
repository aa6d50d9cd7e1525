{#
  Pre-hook of every model: the planner's settings for the model's transaction (`set local`).
  Parallel workers per query. dbt runs `target.threads` models at once, and PostgreSQL gives each query up to
  max_parallel_workers_per_gather workers besides its own process (2 by default). On a server with no more cores
  than that, a model's workers take the cores from the other thread's model. The model on the critical path then
  waits, and the workers' own coordination costs CPU.
  - Measured: full builds of 1M dossiers on 2 cores, alternated. With the default of 2 workers: 113.6-124.5 s of
    wall time (median 115.5 s of 7) and 213-230 CPU-s of the machine. Without workers (this hook, or the setting
    for whole sessions): 106.4-121.5 s (median 110.1 s of 6, leaving out a build that re-parsed the project) and
    202-208 CPU-s.
  - The rule: cores // threads - 1 workers per query (2 cores, 2 threads: none; 8 cores: 3). Every thread's query
    with its workers then fits in a share of the cores.
  - The cores are known for the embedded warehouse only, whose server runs on this machine: KHO_WAREHOUSE_CORES,
    set by kho.dbt.dbt_env. An external server keeps its own setting.
  - None for a view (making one runs no query), nor without the cores: the hook renders nothing, and dbt runs no
    empty hook (a `select 1` in its place was a statement per node).
#}
{% macro kho_session_settings() -%}
    {%- set cores = env_var('KHO_WAREHOUSE_CORES', '') -%}
    {%- if cores and model.config.materialized != 'view' -%}
        set local max_parallel_workers_per_gather = {{ kho_parallel_workers(cores | int, target.threads) }}
    {%- endif -%}
{%- endmacro %}

{% macro kho_parallel_workers(cores, threads) -%}
    {{- [(cores // ([threads, 1] | max)) - 1, 0] | max -}}
{%- endmacro %}

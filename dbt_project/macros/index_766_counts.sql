{#
  service_index_766_counts keeps the Decision 766 counts by difference, so that a run costs what changed, not the
  year. A cell is a period (type and start) x competent unit x receiving unit (and their provinces) x procedure; its
  counts are sums over the dossiers in it (dossiers, every <id>_num and <id>_den of service_index_766_dossiers,
  the working days of avg_processing_days), so they add and subtract.

  Beside the mart, the build keeps a ledger, kho.<model>__counted: one row per dossier x period type with the cell
  and the flags it was last counted with. A run (pre-hook index_766_recount, in the build's transaction):
    1. picks the dossiers to count again (index_766_recount_codes, index_766_recount_unmatched): every dossier the
       ledger and the facts may disagree on;
    2. writes their rows as the view shows them now (a condition `= any(array(...))`, which PostgreSQL pushes
       into the view down to the facts' dossier-code indexes; a semi-join on the recount table is planned over
       the whole view) with sign +1, and the ledger's rows for them with sign -1, to a
       temporary table index_766_delta, and replaces their ledger rows;
  the model adds each cell's signed sums to the mart's row (a dossier counted the same way twice cancels out), and
  a post-hook drops the cells left without dossiers. A full build (first build, --full-refresh, a changed project
  or unit register: kho_project_changed) writes the ledger from the view in one pass and sums it.
#}

{#- the cell: what a dossier x period type row of service_index_766_dossiers is counted under -#}
{% macro index_766_cell_columns() -%}
    {{ return(["period_type", "period_start", "unit_code", "receiving_unit_code", "province_code",
               "receiving_province_code", "procedure_code"]) }}
{%- endmacro %}

{#- (column, sum over signed ledger rows) for every count a cell keeps, from the computed indicators' kinds -#}
{% macro index_766_count_columns() -%}
    {%- set columns = [] -%}
    {%- for ind in computed_indicators_766() -%}
        {%- if ind.kind in ("dossiers", "procedures") -%}
            {%- do columns.append((ind.id ~ "_num", "sum(sign) filter (where " ~ ind.id ~ "_num)")) -%}
            {%- do columns.append((ind.id ~ "_den", "sum(sign) filter (where " ~ ind.id ~ "_den)")) -%}
        {%- elif ind.kind == "average" -%}
            {%- do columns.append((ind.id ~ "_num", "sum(sign * " ~ ind.id ~ "_num) filter (where " ~ ind.id ~ "_den)")) -%}
            {%- do columns.append((ind.id ~ "_den", "sum(sign) filter (where " ~ ind.id ~ "_den)")) -%}
        {%- elif ind.kind == "catalogue" -%}
            {%- do columns.append((ind.id ~ "_num", "sum(sign) filter (where " ~ ind.id ~ "_num)")) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#- the ledger's flag columns: those of service_index_766_dossiers the counts read, named as the counts are -#}
{% macro index_766_flag_columns() -%}
    {{ return(index_766_count_columns() | map(attribute=0) | list) }}
{%- endmacro %}

{% macro index_766_ledger() -%}
    kho.{{ this.identifier }}__counted
{%- endmacro %}

{#- a ledger row of service_index_766_dossiers' rows `where` selects, with the as-of time it is counted at -#}
{% macro index_766_ledger_rows(where) -%}
    select v.dossier_code, {{ index_766_cell_columns() | join(", ") }},
        v.terminal_status_766 is null as is_open,
        v.on_time_766,
        {{ index_766_flag_columns() | join(", ") }},
        v.as_of_at as counted_as_of_at
    from {{ ref('service_index_766_dossiers') }} as v
    {{ where }}
{%- endmacro %}

{#- The dossiers a run counts again: those the ledger may count otherwise than the facts now show.
    - a version validated since the model's cursor (fct_dossiers and fct_dossier_periods rewrote it; found through
      stg_onestop__dossiers, whose table indexes the time);
    - when the as-of time moved: the open dossiers of a period still running at the last count whose judgement
      fct_dossier_periods changed at the new period end (open_within turned open_overdue: the only flag of an open
      dossier the cut moves besides the two below; comparing the stored judgement is an index probe per open row,
      where counting them all again would view and write four rows for each), and any dossier whose sync or first
      feedback / "not satisfied" rating falls at or after the last count's as-of time (a flag judged "by the period
      end" can turn);
    - a dossier whose feedback signals were validated since the cursor;
    The rows only one of the ledger and fct_dossier_periods has are found apart (index_766_recount_unmatched). -#}
{% macro index_766_recount_codes(ledger) -%}
    -- the last count's as-of time as its open rows hold it, through their partial index (an earlier time, if the
    -- last count counted none open, only widens what is counted again), else as any row holds it
    with counted as (
        select coalesce((select max(l.counted_as_of_at) from {{ ledger }} as l where l.is_open),
                        (select max(l.counted_as_of_at) from {{ ledger }} as l)) as as_of_at
    ),
    latest as (select max(as_of_at) as as_of_at from {{ ref('int_onestop__dossier_milestones') }}),
    -- not materialized: read by two branches, a materialized CTE has no statistics and the planner merge-joined
    -- the whole ledger with the whole fct_dossier_periods (2.1 s at a million dossiers); inlined, it reads the
    -- ledger's open rows through their partial index and probes the facts' index for each (0.7 s)
    moved as not materialized (
        select c.as_of_at from counted as c cross join latest as n where n.as_of_at > c.as_of_at
    )
    -- validated since the cursor: read through the staging view, as fct_dossier_periods' scope does, so that the
    -- condition reaches the latest dossiers' index on their validation time (fct_dossiers holds the same time,
    -- unindexed: a scan of a million rows, 0.3-0.7 s a run); a code with no row in the facts counts nothing
    select d.dossier_code from {{ ref('stg_onestop__dossiers') }} as d
    where {{ onestop_validated_since_build('d.validated_at') }}
    union
    select l.dossier_code from {{ ledger }} as l cross join moved as m
    inner join {{ ref('fct_dossier_periods') }} as p on p.dossier_code = l.dossier_code and p.period_type = l.period_type
    where l.is_open and {{ kho_period_end('l.period_type', 'l.period_start') }} > m.as_of_at
        and (p.on_time_766, p.terminal_status_766 is null) is distinct from (l.on_time_766, l.is_open)
    union
    select d.dossier_code from {{ ref('fct_dossiers') }} as d cross join moved as m where d.synced_at >= m.as_of_at
    union
    select s.dossier_code from {{ ref('int_feedback__dossier_signals') }} as s cross join counted as c
    where {{ onestop_validated_since_build('s.validated_at') }}
        or s.first_feedback_at >= c.as_of_at or s.first_dislike_at >= c.as_of_at
{%- endmacro %}

{#- The rows only one of the ledger and fct_dossier_periods has, outside the dossiers index_766_recount already
    holds: looked for only when the two would still not hold the same number of rows once those dossiers are counted
    again (every ledger row counts once in its cell's dossiers: the mart's sum is the ledger's size). New dossiers
    make the two differ in every run that receives any, and they are in the recount already: comparing the sizes net
    of the recount spares the two anti-joins over every row of both (~9 s of a 1% run at a million dossiers). -#}
{% macro index_766_recount_unmatched(ledger) -%}
    with recount as (select array(select r.dossier_code from index_766_recount as r) as codes),
    unequal as (
        select 1 from recount as r
        where (select coalesce(sum(t.dossiers), 0) from {{ this }} as t)
              - (select count(*) from {{ ledger }} as l where l.dossier_code = any(r.codes))
              + (select count(*) from {{ ref('fct_dossier_periods') }} as p where p.dossier_code = any(r.codes))
              <> (select count(*) from {{ ref('fct_dossier_periods') }})
    )
    select l.dossier_code from {{ ledger }} as l
    where exists (select 1 from unequal)
        and not exists (select 1 from {{ ref('fct_dossier_periods') }} as p
                        where p.dossier_code = l.dossier_code and p.period_type = l.period_type)
    union
    select p.dossier_code from {{ ref('fct_dossier_periods') }} as p
    where exists (select 1 from unequal)
        and not exists (select 1 from {{ ledger }} as l
                        where l.dossier_code = p.dossier_code and l.period_type = p.period_type)
{%- endmacro %}

{#- Pre-hook of service_index_766_counts: the ledger and the signed rows the model sums (see the top of this file) -#}
{% macro index_766_recount() -%}
    {%- set ledger = index_766_ledger() -%}
    {%- set flags = index_766_flag_columns() -%}
    {%- set ledger_columns = ["dossier_code"] + index_766_cell_columns() + ["is_open", "on_time_766"] + flags
                             + ["counted_as_of_at"] -%}
    {%- if kho_full_build() -%}
    drop table if exists {{ ledger }};
    create table {{ ledger }} as {{ index_766_ledger_rows("") }};
    -- created with the ledger, which only a full build creates: an incremental run's `create index if not exists`
    -- would take a lock on the ledger that waits for a running autovacuum
    create unique index {{ this.identifier }}__counted__dossier_period on {{ ledger }} (dossier_code, period_type);
    create index {{ this.identifier }}__counted__open on {{ ledger }} (dossier_code) where is_open;
    -- the open rows' as-of time only: indexing every row's cost ~1 s of the full build at a million dossiers
    create index {{ this.identifier }}__counted__open_as_of on {{ ledger }} (counted_as_of_at) where is_open;
    {%- else -%}
    create temp table index_766_recount on commit drop as {{ index_766_recount_codes(ledger) }};
    insert into index_766_recount {{ index_766_recount_unmatched(ledger) }};
    analyze index_766_recount;
    create temp table index_766_delta on commit drop as
    select 1 as sign, n.* from ({{ index_766_ledger_rows(
        "where v.dossier_code = any(array(select r.dossier_code from index_766_recount as r))") }}) as n
    union all
    select -1 as sign, {{ ledger_columns | join(", ") }} from {{ ledger }}
    where dossier_code = any(array(select r.dossier_code from index_766_recount as r));
    delete from {{ ledger }} where dossier_code = any(array(select r.dossier_code from index_766_recount as r));
    insert into {{ ledger }} ({{ ledger_columns | join(", ") }})
    select {{ ledger_columns | join(", ") }} from index_766_delta where sign = 1;
    {%- endif %}
{%- endmacro %}

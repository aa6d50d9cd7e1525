{{ config(
    materialized="incremental",
    unique_key="dossier_code",
    incremental_strategy="delete+insert",
    on_schema_change="sync_all_columns",
    pre_hook=["drop index if exists {{ this.schema }}.{{ this.identifier }}__dossier_code",
              "{{ rebuild_if_project_changed() }}"],
    post_hook=["{{ ensure_index(['dossier_code', 'period_type'], unique=true) }}", "{{ ensure_index(['as_of_at']) }}",
               "{{ record_model_build() }}"],
) }}
{#- the pre-hook drops the unique index on the dossier code alone, from the months-only version: it would refuse
    the period rows -#}
{% set cuts = kho_period_types() | map(attribute=0) | list %}
-- Per dossier and period type (month, quarter, half-year, year: macro file periods), what its processing history
-- and supplement requests show by the end of the period of that type holding its reception, cut at the data's
-- as-of time while that period is still running. Everything the Decision 766 rule judges (domain.md §2.3 item 1)
-- is read from here. Each dossier's lists are unnested once and summed up to the four cuts in the same pass (one
-- FILTER per cut), then the row is unpivoted.
-- Incremental (macro file onestop_incremental): a run reads again only the dossiers validated since its cursor, each
-- list through the condition on the dossier row that PostgreSQL applies before unnesting it. Nothing else is
-- carried: every event of a dossier comes before its latest change, so what the history of a dossier not changed
-- since showed up to the old as-of time is what it shows up to any later cut. Only the period end moves, and
-- int_onestop__dossier_on_time cuts it at the newest as-of time. (An earlier version rewrote the open month's rows
-- to move it; with a running year that would be a year of dossiers every run.)
-- It reads the latest dossiers themselves, not their staging view: the two fields it needs typed as the view types
-- them (kho_ts), their lists on the same row. The view joined back to its own table cost a hash join of a million
-- rows, and a model one step further from the source waited in dbt's queue behind the tests on the staged lists.
-- The as-of time is the newest change among the latest dossiers (stg_onestop__dossiers.source_updated_at). An
-- incremental run takes the newer of the one the table holds and that of the dossiers it reads: a dossier's latest
-- version only ever gives way to a later one, so the newest change never goes back, and a change it has not read
-- is one validated since its cursor. (Parsing every dossier's NgayCapNhat for it took 2.4 s of a 1% run's 2.8 s.)
-- The newest is the greatest of the 14-digit texts (yyyyMMddHHmmss: text order is time order), parsed once; parsing
-- each first cost a full build ~0.5-1 s more, on its longest chain.
{%- set newest_change -%}
    {{ kho_ts("max(ngaycapnhat) filter (where " ~ kho_ts_shaped('ngaycapnhat') ~ ")") }}
{%- endset %}
with as_of as (
    {% if is_incremental() -%}
    select greatest(
        (select max(t.as_of_at) from {{ this }} as t),
        (select {{ newest_change }} from {{ ref('base_onestop__latest_dossiers') }}
         where {{ onestop_validated_since_build('_validated_at') }})
    ) as as_of_at
    {%- else -%}
    select {{ newest_change }} as as_of_at from {{ ref('base_onestop__latest_dossiers') }}
    {%- endif %}
),

dossiers as (
    select
        mahoso as dossier_code,
        {{ kho_ts('ngaytiepnhan') }} as received_at,  -- stg_onestop__dossiers.received_at
        quatrinhxuly,
        danhsachhosobosung
    from {{ ref('base_onestop__latest_dossiers') }}
    {% if is_incremental() %}where {{ onestop_validated_since_build('_validated_at') }}{% endif %}
    offset 0  -- not flattened into periods: received_at is parsed once per dossier, not once per use
),

periods as (
    select
        d.dossier_code,
        d.quatrinhxuly,
        d.danhsachhosobosung,
        date_trunc('month', d.received_at)::date as period_month,
        {% for type in cuts %}
        {{ kho_period_start(type, 'd.received_at') }} as {{ type }}_start,
        {{ kho_period_cut(kho_period_end("'" ~ type ~ "'", kho_period_start(type, 'd.received_at')), 'a.as_of_at') }}
            as {{ type }}_end_at,
        {% endfor %}
        a.as_of_at
    from dossiers as d
    cross join as_of as a
    offset 0  -- not flattened into summed: each cut is computed once per dossier, not once per list element
),

-- each dossier's lists read with it (onestop_list_elements: the typed columns of stg_onestop__processing_steps and
-- stg_onestop__supplement_requests), summed up to each cut while the row is at hand (the longest period's cut is
-- the latest)
summed as (
    select
        p.*,
        st.first_accepted_at,
        st.first_processed_at,
        st.first_returned_at,
        st.first_stopped_at,
        st.first_refused_at,
        st.first_withdrawn_at,
        {% for type in cuts %}
        st.{{ type }}_status,
        st.{{ type }}_steps,
        su.{{ type }}_requests,
        su.{{ type }}_supplement_seconds,
        su.{{ type }}_open_requested_at{{ "," if not loop.last }}
        {% endfor %}
    from periods as p
    cross join lateral (
        select
            min(step_at) filter (where status_code in (2, 4, 5, 6, 9, 10)) as first_accepted_at,
            min(step_at) filter (where status_code = 9) as first_processed_at,
            min(step_at) filter (where status_code = 10) as first_returned_at,
            min(step_at) filter (where status_code = 8) as first_stopped_at,
            min(step_at) filter (where status_code = 3) as first_refused_at,
            min(step_at) filter (where status_code = 7) as first_withdrawn_at,
            -- the last status before each cut: the steps before a cut are a prefix of the steps in time order, so
            -- one sorted array serves every cut (an ordered aggregate per cut sorted the steps four times)
            {% for type in cuts %}
            (array_agg(status_code order by step_at, step_seq))[count(*) filter (where step_at < p.{{ type }}_end_at)]
                as {{ type }}_status,
            count(*) filter (where step_at < p.{{ type }}_end_at) as {{ type }}_steps{{ "," if not loop.last }}
            {% endfor %}
        from {{ onestop_list_elements('p', 'processing_steps') }}
        where step_at < p.{{ cuts[-1] }}_end_at
    ) as st
    cross join lateral (
        select
            {% for type in cuts %}
            count(*) filter (where requested_at < p.{{ type }}_end_at) as {{ type }}_requests,
            coalesce(sum(extract(epoch from completed_at - requested_at))
                filter (where completed_at < p.{{ type }}_end_at), 0)::bigint as {{ type }}_supplement_seconds,
            max(requested_at) filter (where requested_at < p.{{ type }}_end_at
                and (completed_at is null or completed_at >= p.{{ type }}_end_at)) as {{ type }}_open_requested_at
            {{- "," if not loop.last }}
            {% endfor %}
        from {{ onestop_list_elements('p', 'supplement_requests') }}
        where requested_at < p.{{ cuts[-1] }}_end_at
    ) as su
)

select
    s.dossier_code,
    c.period_type,
    c.period_start,
    s.period_month,
    c.period_end_at,
    s.as_of_at,
    coalesce(s.first_accepted_at < c.period_end_at, false) as was_accepted,
    case when s.first_processed_at < c.period_end_at then s.first_processed_at end as first_processed_at,
    case when s.first_returned_at < c.period_end_at then s.first_returned_at end as first_returned_at,
    case when s.first_stopped_at < c.period_end_at then s.first_stopped_at end as first_stopped_at,
    case when s.first_refused_at < c.period_end_at then s.first_refused_at end as first_refused_at,
    case when s.first_withdrawn_at < c.period_end_at then s.first_withdrawn_at end as first_withdrawn_at,
    c.status_at_period_end,
    c.history_steps_in_period,
    c.supplement_requests_in_period,
    c.supplement_seconds,
    c.open_supplement_requested_at
from summed as s
cross join lateral (values
    {% for type in cuts %}
    ('{{ type }}'::text, s.{{ type }}_start, s.{{ type }}_end_at, s.{{ type }}_status, s.{{ type }}_steps,
     s.{{ type }}_requests, s.{{ type }}_supplement_seconds, s.{{ type }}_open_requested_at){{ "," if not loop.last }}
    {% endfor %}
) as c (period_type, period_start, period_end_at, status_at_period_end, history_steps_in_period,
        supplement_requests_in_period, supplement_seconds, open_supplement_requested_at)

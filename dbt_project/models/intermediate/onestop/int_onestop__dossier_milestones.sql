{{ config(
    materialized="incremental",
    unique_key="dossier_code",
    incremental_strategy="delete+insert",
    on_schema_change="sync_all_columns",
    pre_hook="{{ rebuild_if_project_changed() }}",
    post_hook=["{{ ensure_index(['dossier_code'], unique=true) }}", "{{ record_model_build() }}"],
) }}
-- Per dossier, what its processing history and supplement requests show by the end of its reporting period: the
-- month of reception, cut at the data's as-of time (the latest change any dossier reports) while the month is
-- still running. Everything the Decision 766 rule judges (domain.md §2.3 item 1) is read from here.
-- Incremental (macro file onestop_incremental): a run reads again only the dossiers validated since its cursor, each
-- list through the condition on the dossier row that PostgreSQL applies before unnesting it. The open month's
-- other dossiers are carried forward: every event of a dossier comes before its latest change, so what their
-- history shows up to the new as-of time is what it showed up to the old one; only their period end and as-of time
-- move. (An earlier version read the open month's histories again with `validated_at > cursor or dossier_code in
-- (open month)`: at 1M dossiers PostgreSQL could not push that `or` below the unnesting and scanned the codes per
-- row.)
with dossiers as (
    select dossier_code, received_at, source_updated_at from {{ ref('stg_onestop__dossiers') }}
    {{ onestop_in_scope() }}
),

as_of as (
    select max(source_updated_at) as as_of_at from {{ ref('stg_onestop__dossiers') }}
),

periods as (
    select
        d.dossier_code,
        date_trunc('month', d.received_at)::date as period_month,
        -- exclusive end: events strictly before it are visible (timestamps are whole seconds)
        least(date_trunc('month', d.received_at) + interval '1 month', a.as_of_at + interval '1 second')
            as period_end_at,
        a.as_of_at
    from dossiers as d
    cross join as_of as a
),

steps as (
    select
        p.dossier_code,
        bool_or(s.status_code in (2, 4, 5, 6, 9, 10)) as was_accepted,
        min(s.step_at) filter (where s.status_code = 9) as first_processed_at,
        min(s.step_at) filter (where s.status_code = 10) as first_returned_at,
        min(s.step_at) filter (where s.status_code = 8) as first_stopped_at,
        min(s.step_at) filter (where s.status_code = 3) as first_refused_at,
        min(s.step_at) filter (where s.status_code = 7) as first_withdrawn_at,
        (array_agg(s.status_code order by s.step_at desc, s.step_seq desc))[1] as status_at_period_end,
        count(*) as history_steps_in_period
    from periods as p
    inner join (select * from {{ ref('stg_onestop__processing_steps') }} {{ onestop_in_scope() }}) as s
        on s.dossier_code = p.dossier_code and s.step_at < p.period_end_at
    group by p.dossier_code
),

supplements as (
    select
        p.dossier_code,
        count(*) as supplement_requests,
        coalesce(sum(extract(epoch from s.completed_at - s.requested_at))
            filter (where s.completed_at < p.period_end_at), 0)::bigint as supplement_seconds,
        max(s.requested_at) filter (where s.completed_at is null or s.completed_at >= p.period_end_at)
            as open_supplement_requested_at
    from periods as p
    inner join (select * from {{ ref('stg_onestop__supplement_requests') }} {{ onestop_in_scope() }}) as s
        on s.dossier_code = p.dossier_code and s.requested_at < p.period_end_at
    group by p.dossier_code
),

recomputed as (
    select
        p.dossier_code,
        p.period_month,
        p.period_end_at,
        p.as_of_at,
        coalesce(st.was_accepted, false) as was_accepted,
        st.first_processed_at,
        st.first_returned_at,
        st.first_stopped_at,
        st.first_refused_at,
        st.first_withdrawn_at,
        st.status_at_period_end,
        coalesce(st.history_steps_in_period, 0) as history_steps_in_period,
        coalesce(su.supplement_requests, 0) as supplement_requests_in_period,
        coalesce(su.supplement_seconds, 0) as supplement_seconds,
        su.open_supplement_requested_at
    from periods as p
    left join steps as st on st.dossier_code = p.dossier_code
    left join supplements as su on su.dossier_code = p.dossier_code
)

{% if is_incremental() %}
, carried as (
    select
        t.dossier_code,
        t.period_month,
        least((t.period_month + interval '1 month')::timestamp, a.as_of_at + interval '1 second') as period_end_at,
        a.as_of_at,
        t.was_accepted,
        t.first_processed_at,
        t.first_returned_at,
        t.first_stopped_at,
        t.first_refused_at,
        t.first_withdrawn_at,
        t.status_at_period_end,
        t.history_steps_in_period,
        t.supplement_requests_in_period,
        t.supplement_seconds,
        t.open_supplement_requested_at
    from {{ this }} as t
    cross join as_of as a
    where t.period_end_at < (t.period_month + interval '1 month')::timestamp  -- cut by the as-of time when built
        and a.as_of_at > t.as_of_at
        and not exists (select 1 from dossiers as d where d.dossier_code = t.dossier_code)
)

select * from recomputed
union all
select * from carried
{% else %}
select * from recomputed
{% endif %}

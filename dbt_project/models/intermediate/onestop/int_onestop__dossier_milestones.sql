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
with as_of as (
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
    from {{ ref('stg_onestop__dossiers') }} as d
    cross join as_of as a
    {{ onestop_in_scope() }}
),

-- each dossier's lists read with it (onestop_list_elements: the typed columns of stg_onestop__processing_steps and
-- stg_onestop__supplement_requests), summed up to the period end while the row is at hand
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
        st.history_steps_in_period,
        su.supplement_requests_in_period,
        su.supplement_seconds,
        su.open_supplement_requested_at
    from periods as p
    inner join {{ ref('base_onestop__latest_dossiers') }} as d on d.mahoso = p.dossier_code
    cross join lateral (
        select
            bool_or(status_code in (2, 4, 5, 6, 9, 10)) as was_accepted,
            min(step_at) filter (where status_code = 9) as first_processed_at,
            min(step_at) filter (where status_code = 10) as first_returned_at,
            min(step_at) filter (where status_code = 8) as first_stopped_at,
            min(step_at) filter (where status_code = 3) as first_refused_at,
            min(step_at) filter (where status_code = 7) as first_withdrawn_at,
            (array_agg(status_code order by step_at desc, step_seq desc))[1] as status_at_period_end,
            count(*) as history_steps_in_period
        from {{ onestop_list_elements('d', 'processing_steps') }}
        where step_at < p.period_end_at
    ) as st
    cross join lateral (
        select
            count(*) as supplement_requests_in_period,
            coalesce(sum(extract(epoch from completed_at - requested_at))
                filter (where completed_at < p.period_end_at), 0)::bigint as supplement_seconds,
            max(requested_at) filter (where completed_at is null or completed_at >= p.period_end_at)
                as open_supplement_requested_at
        from {{ onestop_list_elements('d', 'supplement_requests') }}
        where requested_at < p.period_end_at
    ) as su
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
        and not exists (select 1 from periods as p where p.dossier_code = t.dossier_code)
)

select * from recomputed
union all
select * from carried
{% else %}
select * from recomputed
{% endif %}

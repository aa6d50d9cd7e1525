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
-- still running. Everything the Decision 766 rule judges (domain.md §2.3 item 1) is read from here. Incremental
-- (macro file onestop_incremental): a run reads the histories of the dossiers validated since the last one and of
-- those whose month was still open then (their period end moved with the as-of time).
with
{% if is_incremental() %}
scope as (
    {{ onestop_rejudged_dossier_codes() }}
),
{% endif %}

dossiers as (
    select dossier_code, received_at, source_updated_at, validated_at from {{ ref('stg_onestop__dossiers') }}
    {{ onestop_in_scope(rejudged=true) }}
),

-- the latest change any dossier reports: in an incremental run, the newest of the dossiers read and of the as-of
-- time the model was built at (the latest dossiers only ever move to a later change, so that is the same maximum)
as_of as (
    select max(as_of_at) as as_of_at from (
        select max(source_updated_at) as as_of_at from dossiers
        {% if is_incremental() %}union all select max(t.as_of_at) from {{ this }} as t{% endif %}
    ) as m
),

periods as (
    select
        d.dossier_code,
        date_trunc('month', d.received_at)::date as period_month,
        -- exclusive end: events strictly before it are visible (timestamps are whole seconds)
        least(date_trunc('month', d.received_at) + interval '1 month', a.as_of_at + interval '1 second')
            as period_end_at,
        a.as_of_at,
        d.validated_at
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
    inner join (select * from {{ ref('stg_onestop__processing_steps') }} {{ onestop_in_scope(rejudged=true) }}) as s
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
    inner join (select * from {{ ref('stg_onestop__supplement_requests') }} {{ onestop_in_scope(rejudged=true) }}) as s
        on s.dossier_code = p.dossier_code and s.requested_at < p.period_end_at
    group by p.dossier_code
)

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
    su.open_supplement_requested_at,
    p.validated_at
from periods as p
left join steps as st on st.dossier_code = p.dossier_code
left join supplements as su on su.dossier_code = p.dossier_code

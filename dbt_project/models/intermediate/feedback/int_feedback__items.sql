{{ config(materialized="table") }}
-- Each feedback item judged at the end of each period holding its reception (one row per period type: month,
-- quarter, half-year, year; macro file periods; the data's as-of time while the period runs), for Decision 766
-- indicators 5.2 and 5.3 (domain.md §2.2):
--   on time: answered by the period end within its deadline - processed within 15 working days of reception,
--            rejected within 2, a supplement requested within 5 - and, when processed, its answer published within
--            2 working days of it (or not yet due at the period end); not answered by the period end: on time while
--            the 15 working days have not run out;
--   satisfied: on time, not disliked (more dislikes than likes) and not a repeat of an earlier item.
-- The unit is that of the dossier the item is about when the warehouse has it (fct_dossiers: a department's
-- dossier is the department's), else the unit as sent, resolved to today's.
with items as (
    select * from {{ ref('stg_feedback__items') }}
),

as_of as (
    select max(source_updated_at) as as_of_at from items
),

framed as (
    select
        i.*,
        p.period_type,
        p.period_start,
        date_trunc('month', i.received_at)::date as period_month,
        {{ kho_period_cut(kho_period_end('p.period_type', 'p.period_start'), 'a.as_of_at') }}
            as period_end_at,
        a.as_of_at,
        coalesce(d.unit_code, r.unit_code) as unit_code
    from items as i
    cross join as_of as a
    cross join lateral {{ kho_periods_holding('i.received_at') }} as p (period_type, period_start)
    left join {{ ref('fct_dossiers') }} as d on d.dossier_code = i.dossier_code
    left join {{ ref('int_unit_codes__resolved') }} as r
        on r.source_unit_code = i.unit_code_as_sent
        and r.era = case when i.received_at < '{{ var("reform_date") }}'::date then 'pre_reform' else 'post_reform' end
),

due as (
    select
        f.*,
        f.answered_at < f.period_end_at as is_answered,
        {{ add_working_days('f.received_at', 15) }} + f.received_at::time as processing_due_at,
        {{ add_working_days('f.received_at', "case f.outcome when 'TU_CHOI' then 2 when 'YEU_CAU_BO_SUNG' then 5 "
                                             ~ "else 15 end") }} + f.received_at::time as answer_due_at,
        {{ add_working_days('f.answered_at', 2) }} + f.answered_at::time as publication_due_at
    from framed as f
),

judged as (
    select
        d.*,
        case
            when d.is_answered then
                d.answered_at <= d.answer_due_at
                and (d.outcome <> 'DA_XU_LY'
                     or case when d.published_at < d.period_end_at then d.published_at <= d.publication_due_at
                             else d.period_end_at <= d.publication_due_at end)
            else d.period_end_at <= d.processing_due_at
        end as is_on_time
    from due as d
)

select
    feedback_id,
    unit_code,
    unit_code_as_sent,
    dossier_code,
    period_type,
    period_start,
    period_month,
    period_end_at,
    as_of_at,
    received_at,
    case when is_answered then outcome else 'DANG_XU_LY' end as outcome_at_period_end,
    answered_at,
    published_at,
    is_on_time,
    dislikes > likes as is_disliked,
    is_repeated,
    is_on_time and not dislikes > likes and not is_repeated as is_satisfied
from judged

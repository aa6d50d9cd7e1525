{{ config(materialized="table") }}
-- Each publishing decision of a procedure, in each period holding the day it was signed (one row per period type:
-- month, quarter, half-year, year; macro file periods), judged at that period's end (the catalogue's as-of time
-- while the period runs) for Decision 766 (domain.md §2.2):
--   1.1 published on time: signed 5 working days or more before the legal basis it implements takes effect (a
--       province's deadline; a ministry's is 20);
--   1.2 made public on time: made public on the portal by the period end within 5 working days of the decision,
--       or not public yet while those 5 working days have not passed at the period end.
with decisions as (
    select * from {{ ref('stg_catalogue__decisions') }}
),

as_of as (
    select max(source_updated_at) as as_of_at from {{ ref('stg_catalogue__procedures') }}
),

framed as (
    select
        d.*,
        p.period_type,
        p.period_start,
        {{ kho_period_cut(kho_period_end('p.period_type', 'p.period_start'), 'a.as_of_at') }}
            as period_end_at,
        {{ add_working_days('d.decided_at', 5) }} as public_due_on
    from decisions as d
    cross join as_of as a
    cross join lateral {{ kho_periods_holding('d.decided_at') }} as p (period_type, period_start)
)

select
    procedure_code,
    decision_seq,
    decision_number,
    decision_kind,
    decided_at,
    period_type,
    period_start,
    period_end_at,
    legal_basis,
    legal_basis_effective_at,
    made_public_at,
    {{ working_days_between('decided_at', 'legal_basis_effective_at') }} >= 5 as is_published_on_time,
    public_due_on,
    case
        when made_public_at < period_end_at then made_public_at::date <= public_due_on
        else (period_end_at - interval '1 second')::date <= public_due_on
    end as is_public_on_time
from framed

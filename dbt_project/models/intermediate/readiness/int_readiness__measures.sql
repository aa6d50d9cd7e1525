-- What the warehouse measures of a commune in a month, for the readiness criteria that have a measure
-- (plan02_criteria.measured_by): each Decision 766 indicator's rate as numerator / denominator for the commune as
-- the unit that received the dossiers (service_index_766_indicators, scope unit, role receiving: what its centre
-- did), and dossiers_received, the dossiers it received. In a month the one-stop system has dossiers for, a commune
-- without a row received none (0); a month with no dossiers at all has no measure. documents_signed: the share of the
-- documents the commune sent that month (document_unit_months, by promulgation month) that were digitally signed;
-- none sent, no measure. civil_registrations_recorded: of the commune's civil-status dossiers finished that month,
-- the share with an entry in the civil-status register (civil_registration_dossier_links, by the dossier's finish
-- month); none finished, no measure.
with indicators as (
    select unit_code, period_start as period_month, indicator_id, numerator, denominator
    from {{ ref('service_index_766_indicators') }}
    where period_type = 'month' and scope = 'unit' and unit_role = 'receiving'
),

onestop_months as (
    select distinct period_month from indicators
),

communes as (
    select distinct m.unit_code, m.period_month
    from {{ ref('int_readiness__commune_months') }} as m
    inner join onestop_months as o using (period_month)
),

-- each one-stop measure and the 766 indicator it reads (dossiers received: the denominator of dossier_sync)
measures as (
    select distinct
        measured_by,
        measured_by = 'dossiers_received' as is_count,
        case when measured_by = 'dossiers_received' then 'dossier_sync' else measured_by end as indicator_id
    from {{ ref('plan02_criteria') }}
    where measured_by is not null and measured_by not in ('documents_signed', 'civil_registrations_recorded')
),

civil_status as (
    select
        l.unit_code,
        date_trunc('month', l.dossier_finished_on)::date as period_month,
        'civil_registrations_recorded'::text as measured_by,
        count(*) filter (where l.match_status = 'matched')::numeric as measured_numerator,
        count(*)::numeric as measured_denominator,
        count(*) filter (where l.match_status = 'matched')::numeric / count(*) as measured_value
    from {{ ref('civil_registration_dossier_links') }} as l
    where l.dossier_code is not null and l.dossier_finished_on is not null
        and exists (select 1 from {{ ref('plan02_criteria') }} where measured_by = 'civil_registrations_recorded')
        and exists (
            select 1 from {{ ref('int_readiness__commune_months') }} as m
            where m.unit_code = l.unit_code and m.period_month = date_trunc('month', l.dossier_finished_on)::date
        )
    group by 1, 2
),

documents as (
    select
        d.unit_code,
        d.month as period_month,
        'documents_signed'::text as measured_by,
        d.documents_signed::numeric as measured_numerator,
        d.documents_sent::numeric as measured_denominator,
        d.documents_signed::numeric / d.documents_sent as measured_value
    from {{ ref('document_unit_months') }} as d
    where d.scope = 'unit' and d.documents_sent > 0
        and exists (select 1 from {{ ref('plan02_criteria') }} where measured_by = 'documents_signed')
        and exists (
            select 1 from {{ ref('int_readiness__commune_months') }} as m
            where m.unit_code = d.unit_code and m.period_month = d.month
        )
)

select * from documents
union all
select * from civil_status
union all
select
    c.unit_code,
    c.period_month,
    m.measured_by,
    case when m.is_count then coalesce(i.denominator, 0) else i.numerator end as measured_numerator,
    case when m.is_count then null else i.denominator end as measured_denominator,
    case
        when m.is_count then coalesce(i.denominator, 0)
        else i.numerator::numeric / nullif(i.denominator, 0)
    end as measured_value
from communes as c
cross join measures as m
left join indicators as i
    on i.unit_code = c.unit_code and i.period_month = c.period_month and i.indicator_id = m.indicator_id

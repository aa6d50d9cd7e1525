-- One data-quality score per unit and month, over every source: the share of its records that break no rule,
-- with warnings weighing a quarter of an error (a warning is worth fixing, an error keeps the record out of the
-- marts). Ranked within the province each month (1 = best), with the change against the previous month.
with per_unit as (
    select
        unit_code,
        period_month,
        sum(records)::bigint as records_checked,
        sum(records_with_errors)::bigint as records_with_errors,
        sum(records_with_warnings_only)::bigint as records_with_warnings_only
    from {{ ref('int_dq__unit_day_records') }}
    group by 1, 2
),

scored as (
    select
        *,
        records_checked - records_with_errors - records_with_warnings_only as records_clean,
        round(100 * (1 - (records_with_errors + 0.25 * records_with_warnings_only) / records_checked::numeric), 1)
            as quality_score
    from per_unit
),

units as (
    select unit_code, unit_full_name, province_code from {{ ref('dim_units') }} where is_current
)

select
    s.unit_code,
    u.unit_full_name as unit_name,
    u.province_code,
    s.period_month,
    s.records_checked,
    s.records_clean,
    s.records_with_errors,
    s.records_with_warnings_only,
    round(s.records_with_errors::numeric / s.records_checked, 4) as error_rate,
    s.quality_score,
    p.quality_score as previous_quality_score,
    s.quality_score - p.quality_score as quality_score_change,
    case when s.unit_code <> '?' then rank() over (
        partition by u.province_code, s.period_month, s.unit_code = '?' order by s.quality_score desc
    ) end as province_rank,
    count(*) filter (where s.unit_code <> '?') over (partition by u.province_code, s.period_month) as units_ranked
from scored as s
left join scored as p on p.unit_code = s.unit_code and p.period_month = (s.period_month - interval '1 month')::date
left join units as u on u.unit_code = s.unit_code

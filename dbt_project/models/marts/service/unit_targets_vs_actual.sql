-- Targets the province assigned (issued in its target files, else the example seed unit_targets:
-- int_readiness__unit_targets) against actual Decision 766 rates, per unit x month x
-- targeted indicator, for the competent unit: the month's rate and the year-to-date rate (cumulative numerator
-- over cumulative denominator), each with its gap to the target (actual - target; negative = behind).
-- A unit's own target row overrides its province's default.
with actual as (
    select *, period_start as period_month from {{ ref('service_index_766_indicators') }}
    where period_type = 'month' and scope = 'unit' and unit_role = 'competent' and rate_unit = 'share'
),

units as (
    select unit_code, unit_full_name, province_code from {{ ref('dim_units') }} where is_current
),

targets as (
    select * from {{ ref('int_readiness__unit_targets') }}
),

sync as (
    select unit_code, period_month, numerator as sync_numerator, denominator as sync_denominator
    from actual
    where indicator_id = 'dossier_sync'
),

year_to_date as (
    select
        a.*,
        extract(year from a.period_month)::int as target_year,
        sum(a.numerator) over ytd as ytd_numerator,
        sum(a.denominator) over ytd as ytd_denominator,
        -- the online share's sync factor, year to date (the same fraction as in the month, over the year)
        sum(case when a.indicator_id = 'online_dossiers' then s.sync_numerator end) over ytd as ytd_sync_numerator,
        sum(case when a.indicator_id = 'online_dossiers' then s.sync_denominator end) over ytd
            as ytd_sync_denominator
    from actual as a
    left join sync as s on s.unit_code = a.unit_code and s.period_month = a.period_month
    window ytd as (partition by a.unit_code, a.indicator_id, extract(year from a.period_month)
                   order by a.period_month)
)

select
    y.unit_code,
    u.unit_full_name as unit_name,
    u.province_code,
    y.period_month,
    y.target_year,
    y.indicator_id,
    y.indicator_name,
    coalesce(own.target_rate, dflt.target_rate) as target_rate,
    case when own.target_rate is not null then 'unit' else 'province_default' end as target_level,
    case when own.target_rate is not null then own.target_source else dflt.target_source end as target_source,
    y.numerator,
    y.denominator,
    y.rate,
    round(y.rate - coalesce(own.target_rate, dflt.target_rate), 4) as gap,
    y.ytd_numerator,
    y.ytd_denominator,
    round(y.ytd_numerator * coalesce(y.ytd_sync_numerator, 1)
          / nullif(y.ytd_denominator * coalesce(y.ytd_sync_denominator, 1), 0), 4) as ytd_rate,
    round(y.ytd_numerator * coalesce(y.ytd_sync_numerator, 1)
          / nullif(y.ytd_denominator * coalesce(y.ytd_sync_denominator, 1), 0)
          - coalesce(own.target_rate, dflt.target_rate), 4) as ytd_gap,
    y.rate >= coalesce(own.target_rate, dflt.target_rate) as is_target_met
from year_to_date as y
inner join units as u on u.unit_code = y.unit_code
left join targets as own
    on own.applies_to = 'unit' and own.unit_code = y.unit_code and own.target_year = y.target_year
    and own.indicator_id = y.indicator_id
left join targets as dflt
    on dflt.applies_to = 'all_units_of_province' and dflt.unit_code = u.province_code
    and dflt.target_year = y.target_year and dflt.indicator_id = y.indicator_id
where coalesce(own.target_rate, dflt.target_rate) is not null

-- The registers hold the published counts: 34 provinces and 3,321 communes/wards/special zones in force, and
-- 63 provinces and 10,051 communes/wards/townships before 2025-07-01. Returns the counts that differ.
with counts as (
    select 'current provinces' as what, count(*) filter (where is_current and unit_level = 'province') as n,
        34 as expected from {{ ref('dim_units') }}
    union all
    select 'current communes', count(*) filter (where is_current and unit_level in ('commune', 'ward', 'special_zone')), 3321
    from {{ ref('dim_units') }}
    union all
    select 'pre-2025 provinces', count(*) filter (where not is_current and unit_level = 'province'), 63
    from {{ ref('dim_units') }}
    union all
    select 'pre-2025 communes', count(*) filter (where not is_current and unit_level in ('commune', 'ward', 'township')),
        10051
    from {{ ref('dim_units') }}
)
select * from counts where n <> expected

-- The targets set against the 766 rates (unit_targets_vs_actual): what the province issued (the unit code resolved:
-- a pre-2025 commune code converted; of two rows landing on one unit, the one issued later), and the rows of the
-- example seed unit_targets that no issued target replaces (same year, unit, scope and indicator).
with issued as (
    select distinct on (t.target_year, u.unit_code, t.applies_to, t.indicator_id)
        t.target_year, u.unit_code, t.applies_to, t.indicator_id, t.target_rate,
        coalesce(t.target_basis, t.source_file) as target_source, 'issued'::text as target_origin
    from {{ ref('stg_readiness__targets') }} as t
    inner join {{ ref('int_unit_codes__resolved') }} as u
        on u.source_unit_code = t.unit_code_as_sent and u.era = 'post_reform'
    order by t.target_year, u.unit_code, t.applies_to, t.indicator_id, t.issued_at desc
)

select * from issued
union all
select s.target_year, s.unit_code, s.applies_to, s.indicator_id, s.target_rate, s.target_source,
    'seed'::text as target_origin
from {{ ref('unit_targets') }} as s
where not exists (
    select 1 from issued as i
    where i.target_year = s.target_year and i.unit_code = s.unit_code and i.applies_to = s.applies_to
        and i.indicator_id = s.indicator_id
)

-- One readiness return per commune in force and month: the commune code as sent resolved to a unit in force (a
-- pre-2025 code converted, by the era of the month reported), and of two returns that land on the same commune and
-- month (one sent under the old code, one under the new), the one sent later.
with returns as (
    select r.*, u.unit_code, u.resolution as unit_code_resolution
    from {{ ref('stg_readiness__returns') }} as r
    inner join {{ ref('int_unit_codes__resolved') }} as u
        on u.source_unit_code = r.commune_code_as_sent
        and u.era = case when r.period_month < '{{ var("reform_date") }}'::date then 'pre_reform' else 'post_reform' end
)

select distinct on (unit_code, period_month) *
from returns
order by unit_code, period_month, sent_at desc, extracted_at desc

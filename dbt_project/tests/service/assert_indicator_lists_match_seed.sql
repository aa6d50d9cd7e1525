-- The indicator lists the 766 marts are generated from (macros/indicators_766.sql) name exactly the seed's
-- indicators, and the computed list exactly its is_computed ones: a row here is an indicator out of step.
with listed as (
    {% for ind in all_indicators_766() %}
    select '{{ ind }}' as indicator_id{{ " union all" if not loop.last }}
    {% endfor %}
),

computed as (
    {% for ind in computed_indicators_766() %}
    select '{{ ind.id }}' as indicator_id{{ " union all" if not loop.last }}
    {% endfor %}
),

seed as (
    select indicator_id, is_computed from {{ ref('indicators_766') }}
)

select coalesce(s.indicator_id, l.indicator_id) as indicator_id, 'not in both the seed and all_indicators_766' as problem
from seed as s
full outer join listed as l on l.indicator_id = s.indicator_id
where s.indicator_id is null or l.indicator_id is null
union all
select coalesce(s.indicator_id, c.indicator_id), 'is_computed disagrees with computed_indicators_766'
from (select * from seed where is_computed) as s
full outer join computed as c on c.indicator_id = s.indicator_id
where s.indicator_id is null or c.indicator_id is null

{{ config(materialized="table") }}
-- Decision 766 indicators 5.2 (feedback handled on time) and 5.3 (satisfaction with feedback handling) counted per
-- scope (unit | province) x unit role x unit x period (type and start), in the shape of service_index_766_indicators' counts: the
-- handling unit is both the competent and the receiving unit of an item.
with items as (
    select i.*, u.province_code
    from {{ ref('int_feedback__items') }} as i
    left join {{ ref('int_units__history') }} as u on u.unit_code = i.unit_code and u.is_current
),

counted as (
    {% for scope, key in (("unit", "unit_code"), ("province", "province_code")) %}
    {% for role in ("competent", "receiving") %}
    select '{{ scope }}'::text as scope, '{{ role }}'::text as unit_role, {{ key }} as unit_code,
        period_type, period_start,
        count(*) filter (where is_on_time)::numeric as on_time, count(*) filter (where is_satisfied)::numeric
            as satisfied, count(*)::numeric as items
    from items
    where {{ key }} is not null
    group by {{ key }}, period_type, period_start
    {{ "union all" if not (loop.last and scope == "province") }}
    {% endfor %}
    {% endfor %}
)

select c.scope, c.unit_role, c.unit_code, c.period_type, c.period_start, v.indicator_id, v.numerator, c.items as denominator
from counted as c
cross join lateral (values ('feedback_on_time', c.on_time), ('feedback_satisfaction', c.satisfied))
    as v (indicator_id, numerator)

-- The national dashboard's scores in long form, one row per unit as named x period x measure: the total, each
-- group's score, and each indicator column of the export (named by the dashboard's metric code, seed
-- dvcqg_metric_codes, or by Kho's indicator id; a value that is not a number is left out). The unit is resolved as
-- any record's (int_unit_codes__resolved, by the era of the period's start), or, for an agency identifier, to the
-- department of the province's register that receives under it; the province's own code is the province scope.
with scores as (
    select * from {{ ref('stg_dvcqg_scores__scores') }}
),

indicators as (
    select indicator_id, group_code from {{ ref('indicators_766') }}
),

long as (
    select s.*, 'total'::text as measure, null::int as group_code, s.total_score as dvcqg_score from scores as s
    {% for g in range(1, 7) %}
    union all
    select s.*, 'group_{{ g }}', {{ g }}, s.group_{{ g }}_score from scores as s
    where s.group_{{ g }}_score is not null
    {% endfor %}
    union all
    select s.*, i.indicator_id, i.group_code, replace(e.value #>> '{}', ',', '.')::numeric
    from scores as s
    cross join lateral json_each(coalesce(s.extra, '{}'::json)) as e
    inner join indicators as i
        on i.indicator_id = lower(e.key)
        or i.indicator_id = (select m.indicator_id from {{ ref('dvcqg_metric_codes') }} as m
                             where m.metric_code = upper(e.key))
    where e.value #>> '{}' ~ '^[0-9]+([.,][0-9]+)?$'
)

select
    l.unit_code_as_sent,
    l.unit_name_as_sent,
    coalesce(r.unit_code, d.unit_code) as unit_code,
    case when r.unit_code is not null then r.resolution when d.unit_code is not null then 'department_agency' end
        as unit_code_resolution,
    case when u.unit_level = 'province' then 'province' else 'unit' end as scope,
    l.period_type,
    l.period_start,
    l.measure,
    l.group_code,
    l.dvcqg_score,
    l.source_file,
    l.batch_id,
    l.row_num
from long as l
left join {{ ref('int_unit_codes__resolved') }} as r
    on r.source_unit_code = l.unit_code_as_sent
    and r.era = case when l.period_start < '{{ var("reform_date") }}'::date then 'pre_reform' else 'post_reform' end
left join {{ ref('int_units__departments') }} as d
    on d.agency_code = l.unit_code_as_sent and d.receives_under_agency
left join {{ ref('admin_units') }} as u on u.unit_code = coalesce(r.unit_code, d.unit_code)

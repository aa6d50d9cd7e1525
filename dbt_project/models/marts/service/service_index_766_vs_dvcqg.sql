-- Kho's Decision 766 figures set against those the national dashboard publishes (dvcqg_scores source), one row per
-- unit x period x measure of the dashboard's export: the total, a group, or an indicator; both scores, the
-- difference (Kho - DVCQG) and, where Kho can tell, why they differ:
--   same                      - within 0.01 points;
--   period_type_not_computed  - a period type this warehouse does not compute (var kho_period_types);
--   unit_not_resolved         - the dashboard's unit is none Kho knows (an agency identifier the register lacks);
--   no_kho_figure             - Kho has no score for it (no source for the indicator, no dossier that month);
--   dossiers_not_synced       - DVCQG sees only the dossiers synced to it: Kho's score over the dossiers synced by
--                               the period end (sync_only_score) is the dashboard's. Recomputed for the indicators
--                               counted over dossiers (not over procedures or the catalogue), and for a group as
--                               Kho's group score moved by those indicators' differences;
--   kho_lacks_indicators      - the total, or a group with indicators Kho has no source for (1.1-1.3, electronic
--                               certified copies): the dashboard's points on them are not in Kho's;
--   unexplained               - none of the above: a difference to take up with the dashboard's operators.
{% set sync_indicators = computed_indicators_766() | selectattr("kind", "equalto", "dossiers")
                         | rejectattr("id", "in", ["dossier_sync", "online_dossiers"]) | map(attribute="id") | list %}
with published as (
    select * from {{ ref('int_dvcqg_scores__scores') }}
),

wanted as (
    select distinct scope, unit_code, period_type, period_start
    from published
    where unit_code is not null
),

seed as (
    select * from {{ ref('indicators_766') }}
),

kho_indicators as (
    select i.scope, i.unit_code, i.period_type, i.period_start, i.indicator_id as measure, i.score
    from {{ ref('service_index_766_indicators') }} as i
    inner join wanted as w using (scope, unit_code, period_type, period_start)
    where i.unit_role = 'competent'
),

kho_totals as (
    select s.scope, s.unit_code, s.period_type, s.period_start, v.measure, v.score
    from {{ ref('service_index_766') }} as s
    inner join wanted as w using (scope, unit_code, period_type, period_start)
    cross join lateral (values ('total', s.total_score)
        {% for g in range(1, 7) %}, ('group_{{ g }}', s.group_{{ g }}_score){% endfor %}) as v (measure, score)
    where s.unit_role = 'competent'
),

-- the indicators counted over dossiers, over the dossiers synced to DVCQG by the period end only
synced as (
    {% for scope, key in (("unit", "unit_code"), ("province", "province_code")) %}
    select '{{ scope }}'::text as scope, d.{{ key }} as unit_code, d.period_type, d.period_start,
        {% for ind in sync_indicators %}
        count(*) filter (where d.{{ ind }}_num)::numeric as {{ ind }}_num,
        count(*) filter (where d.{{ ind }}_den)::numeric as {{ ind }}_den{{ "," if not loop.last }}
        {% endfor %}
    from {{ ref('service_index_766_dossiers') }} as d
    inner join wanted as w on w.scope = '{{ scope }}' and w.unit_code = d.{{ key }}
        and w.period_type = d.period_type and w.period_start = d.period_start
    where d.dossier_sync_num
    group by d.{{ key }}, d.period_type, d.period_start
    {{ "union all" if not loop.last }}
    {% endfor %}
),

sync_only as (
    select y.scope, y.unit_code, y.period_type, y.period_start, v.measure,
        case
            when not v.den > 0 then null
            when sd.full_marks_at is null then round(sd.max_score * v.num / v.den, 2)
            else round(least(sd.max_score, sd.max_score * v.num / (v.den * sd.full_marks_at)), 2)
        end as score
    from synced as y
    cross join lateral (values
        {% for ind in sync_indicators %}('{{ ind }}', y.{{ ind }}_num, y.{{ ind }}_den){{ "," if not loop.last }}
        {% endfor %}) as v (measure, num, den)
    inner join seed as sd on sd.indicator_id = v.measure
),

kho as (
    select k.*, o.score as sync_only_score
    from kho_indicators as k
    left join sync_only as o using (scope, unit_code, period_type, period_start, measure)
    union all
    -- a group (and the total) moved by its indicators' sync-only differences
    select t.scope, t.unit_code, t.period_type, t.period_start, t.measure, t.score,
        t.score + coalesce((
            select sum(o.score - k.score)
            from sync_only as o
            inner join kho_indicators as k using (scope, unit_code, period_type, period_start, measure)
            inner join seed as sd on sd.indicator_id = o.measure
            where o.scope = t.scope and o.unit_code = t.unit_code and o.period_type = t.period_type
                and o.period_start = t.period_start
                and (t.measure = 'total' or t.measure = 'group_' || sd.group_code)
        ), 0)
    from kho_totals as t
),

lacking as (
    select 'group_' || group_code as measure from seed where not is_computed and max_score > 0
    union
    select 'total'
),

compared as (
    select
        p.*,
        k.score as kho_score,
        k.sync_only_score,
        p.measure in (select l.measure from lacking as l) as kho_lacks_indicators
    from published as p
    left join kho as k
        on k.scope = p.scope and k.unit_code = p.unit_code and k.period_type = p.period_type
        and k.period_start = p.period_start and k.measure = p.measure
)

select
    c.unit_code_as_sent,
    c.unit_name_as_sent,
    c.unit_code,
    u.unit_full_name as unit_name,
    c.unit_code_resolution,
    c.scope,
    c.period_type,
    c.period_start,
    c.measure,
    c.group_code,
    c.dvcqg_score,
    c.kho_score,
    round(c.kho_score - c.dvcqg_score, 2) as difference,
    c.sync_only_score,
    case
        when c.period_type not in ({% for type, span in kho_period_types() %}'{{ type }}'{{ ", " if not loop.last }}{% endfor %})
            then 'period_type_not_computed'
        when c.unit_code is null then 'unit_not_resolved'
        when c.kho_score is null then 'no_kho_figure'
        when abs(c.kho_score - c.dvcqg_score) <= 0.01 then 'same'
        when abs(c.sync_only_score - c.dvcqg_score) <= 0.01 then 'dossiers_not_synced'
        when c.kho_lacks_indicators then 'kho_lacks_indicators'
        else 'unexplained'
    end as explanation,
    c.source_file
from compared as c
left join {{ ref('dim_units') }} as u on u.unit_code = c.unit_code and u.is_current

{{ config(
    materialized="table",
    post_hook=["{{ ensure_index(['period_type', 'period_start']) }}"],
) }}
-- Decision 766 indicators, one row per scope (unit | province) x unit role (competent | receiving) x unit x period
-- (type: month, quarter, half_year, year; and start) x indicator, for every indicator of the seed indicators_766:
-- numerator, denominator, rate, score and max score. A period counts the dossiers, feedback items and publishing
-- decisions of its days, each judged at the period's end (macro file periods).
-- Indicators no extracted source can compute have null figures and a null_reason; so do computed ones with an
-- empty denominator. Scores: max_score x rate, or max_score x rate / full_marks_at capped at max_score.
-- Rebuilt whole every run from service_index_766_counts (the dossier counts per period, unit and procedure, kept by
-- difference: tens of thousands of cells for a million dossiers), the feedback items and the procedure catalogue.
-- Catalogue indicators (1.1-1.3, 3.1, 3.5, 3.6 term C) count the procedures the unit applies (the catalogue's
-- applied units; for the province scope, the procedures it publishes), in force at the period end.
{% set indicators = computed_indicators_766() %}
{% set feedback_ids = indicators | selectattr("kind", "equalto", "feedback") | map(attribute="id")
                      | map("tojson") | join(", ") | replace('"', "'") %}
{% set groupings = [
    ("unit", "competent", "unit_code"),
    ("unit", "receiving", "receiving_unit_code"),
    ("province", "competent", "province_code"),
    ("province", "receiving", "receiving_province_code"),
] %}
with
as_of as (
    select max(as_of_at) as as_of_at from {{ ref('int_onestop__dossier_milestones') }}
),

cells as (
    select * from {{ ref('service_index_766_counts') }} where dossiers > 0
),

feedback as (
    select * from {{ ref('int_feedback__unit_months') }}
),

counts as (
    {% for scope, role, key in groupings %}
    select
        '{{ scope }}' as scope,
        '{{ role }}' as unit_role,
        c.{{ key }} as unit_code,
        c.period_type,
        c.period_start,
        {% for ind in indicators %}
        {% if ind.kind in ("dossiers", "average") %}
        sum(c.{{ ind.id }}_num)::numeric as {{ ind.id }}_num,
        sum(c.{{ ind.id }}_den)::numeric as {{ ind.id }}_den,
        {% elif ind.kind == "procedures" %}
        count(distinct c.procedure_code) filter (where c.{{ ind.id }}_num > 0)::numeric as {{ ind.id }}_num,
        count(distinct c.procedure_code) filter (where c.{{ ind.id }}_den > 0)::numeric as {{ ind.id }}_den,
        {% elif ind.kind == "feedback" %}
        null::numeric as {{ ind.id }}_num,
        null::numeric as {{ ind.id }}_den,
        {% elif ind.kind == "catalogue" %}
        array_agg(distinct c.procedure_code) filter (where c.{{ ind.id }}_num > 0) as {{ ind.id }}_procedures,
        {% endif %}
        {% endfor %}
        sum(c.dossiers) as dossiers,
        {{ kho_period_cut(kho_period_end('c.period_type', 'c.period_start'), 'a.as_of_at') }}
            as period_end_at,
        a.as_of_at
    from cells as c
    cross join as_of as a
    where c.{{ key }} is not null
    group by c.{{ key }}, c.period_type, c.period_start, a.as_of_at
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- each key's catalogue procedures: those the unit applies (the province: those it publishes) in force at the
-- period end, with the procedures its dossiers flag for the catalogue indicators counted over dossiers
key_procedures as (
    select
        k.scope, k.unit_role, k.unit_code, k.period_type, k.period_start, k.period_end_at,
        p.procedure_code, p.has_fee, p.online_level,
        p.states_name and p.states_steps and p.states_method and p.states_dossier_composition
            and p.states_time_limit and p.states_applicant and p.states_agency as has_all_components
        {% for ind in indicators if ind.kind == "catalogue" %}
        , p.has_fee and p.procedure_code = any(k.{{ ind.id }}_procedures) as {{ ind.id }}_num
        {% endfor %}
    from counts as k
    inner join {{ ref('stg_catalogue__procedure_units') }} as a
        on a.unit_code = k.unit_code and a.relation = case when k.scope = 'unit' then 'applies' else 'publishes' end
    inner join {{ ref('stg_catalogue__procedures') }} as p
        on p.procedure_code = a.procedure_code and p.is_in_force and p.first_decided_at < k.period_end_at
),

in_force as (
    select
        scope, unit_role, unit_code, period_type, period_start,
        count(*)::numeric as procedures,
        count(*) filter (where has_all_components)::numeric as procedures_full_content_num,
        count(*) filter (where online_level in ('full', 'partial'))::numeric as procedures_online_num,
        count(*) filter (where has_fee)::numeric as fee_procedures
        {% for ind in indicators if ind.kind == "catalogue" %}
        , count(*) filter (where {{ ind.id }}_num)::numeric as {{ ind.id }}_num
        {% endfor %}
    from key_procedures
    group by scope, unit_role, unit_code, period_type, period_start
),

-- 1.1 and 1.2 over the decisions signed in the period, as int_catalogue__decisions judged them at its end
publications as (
    select
        kp.scope, kp.unit_role, kp.unit_code, kp.period_type, kp.period_start,
        count(*)::numeric as decisions,
        count(*) filter (where d.is_published_on_time)::numeric as procedures_published_on_time_num,
        count(*) filter (where d.is_public_on_time)::numeric as procedures_updated_on_time_num
    from key_procedures as kp
    inner join {{ ref('int_catalogue__decisions') }} as d
        on d.procedure_code = kp.procedure_code and d.period_type = kp.period_type
        and d.period_start = kp.period_start
    group by kp.scope, kp.unit_role, kp.unit_code, kp.period_type, kp.period_start
),

long as (
    select
        c.scope, c.unit_role, c.unit_code, c.period_type, c.period_start, v.indicator_id, v.numerator, v.denominator,
        -- 3.3: the online share is multiplied by the sync rate (kept as a fraction so rates stay exact)
        case when v.indicator_id = 'online_dossiers' then c.dossier_sync_num end as adjustment_num,
        case when v.indicator_id = 'online_dossiers' then c.dossier_sync_den end as adjustment_den
    from counts as c
    left join in_force as f
        on f.scope = c.scope and f.unit_role = c.unit_role and f.unit_code = c.unit_code
        and f.period_type = c.period_type and f.period_start = c.period_start
    left join publications as pb
        on pb.scope = c.scope and pb.unit_role = c.unit_role and pb.unit_code = c.unit_code
        and pb.period_type = c.period_type and pb.period_start = c.period_start
    cross join lateral (values
        {% for ind in indicators %}
        {% set source, den = {"publications": ("pb", "coalesce(pb.decisions, 0)"),
                              "in_force": ("f", "coalesce(f.procedures, 0)"),
                              "catalogue": ("f", "coalesce(f.fee_procedures, 0)")}.get(ind.kind, (none, none)) %}
        {% if source %}
        ('{{ ind.id }}', coalesce({{ source }}.{{ ind.id }}_num, 0), {{ den }}){{ "," if not loop.last }}
        {% else %}
        ('{{ ind.id }}', c.{{ ind.id }}_num, c.{{ ind.id }}_den){{ "," if not loop.last }}
        {% endif %}
        {% endfor %}
    ) as v (indicator_id, numerator, denominator)
),

keys as (
    select distinct scope, unit_role, unit_code, period_type, period_start, as_of_at from counts
),

all_indicators as (
    select k.*, i.*,
        -- a unit-period with no feedback item: 0 of 0 (its score is the seed's score_when_empty)
        coalesce(l.numerator, f.numerator, case when i.indicator_id in ({{ feedback_ids }}) then 0 end) as numerator,
        coalesce(l.denominator, f.denominator, case when i.indicator_id in ({{ feedback_ids }}) then 0 end)
            as denominator,
        l.adjustment_num, l.adjustment_den
    from keys as k
    cross join {{ ref('indicators_766') }} as i
    left join long as l
        on l.scope = k.scope and l.unit_role = k.unit_role and l.unit_code = k.unit_code
        and l.period_type = k.period_type and l.period_start = k.period_start and l.indicator_id = i.indicator_id
    -- 5.2, 5.3: counted over feedback items (a unit-period without dossiers has no row in the index)
    left join feedback as f
        on f.scope = k.scope and f.unit_role = k.unit_role and f.unit_code = k.unit_code
        and f.period_type = k.period_type and f.period_start = k.period_start and f.indicator_id = i.indicator_id
),

scored as (
    select
        a.*,
        a.numerator * coalesce(a.adjustment_num, 1) as scaled_numerator,
        a.denominator * coalesce(a.adjustment_den, 1) as scaled_denominator
    from all_indicators as a
)

select
    scope,
    unit_role,
    unit_code,
    period_type,
    period_start,
    group_code,
    group_name,
    indicator_id,
    indicator_name,
    indicator_name_en,
    rate_unit,
    numerator,
    denominator,
    case when adjustment_den > 0 then round(adjustment_num / adjustment_den, 4) end as adjustment_factor,
    case when is_computed and scaled_denominator > 0 then round(scaled_numerator / scaled_denominator, 4) end
        as rate,
    case
        when not is_computed then null
        when not scaled_denominator > 0 then score_when_empty  -- 5.2, 5.3: full marks without feedback
        when max_score = 0 then 0
        when full_marks_at is null then round(max_score * scaled_numerator / scaled_denominator, 2)
        else round(least(max_score, max_score * scaled_numerator / (scaled_denominator * full_marks_at)), 2)
    end as score,
    max_score,
    full_marks_at,
    case
        when not is_computed then null_reason
        when not scaled_denominator > 0 and score_when_empty is null then 'Empty denominator this period'
    end as null_reason,
    formula_ref,
    as_of_at
from scored

{{ config(
    materialized="incremental",
    meta={"rebuild_on_register_change": true, "rebuild_on_catalogue_change": true},
    unique_key=["period_type", "period_start"],
    incremental_strategy="delete+insert",
    on_schema_change="append_new_columns",
    pre_hook=["{{ rebuild_if_project_changed() }}", "{{ drop_periods_without_dossiers() }}"],
    post_hook=["{{ ensure_index(['period_type', 'period_start']) }}", "{{ record_model_build() }}"],
) }}
-- Decision 766 indicators, one row per scope (unit | province) x unit role (competent | receiving) x unit x period
-- (type: month, quarter, half_year, year; and start) x indicator, for every indicator of the seed indicators_766:
-- numerator, denominator, rate, score and max score. A period counts the dossiers, feedback items and publishing
-- decisions of its days, each judged at the period's end (macro file periods).
-- Indicators no extracted source can compute have null figures and a null_reason; so do computed ones with an
-- empty denominator. Scores: max_score x rate, or max_score x rate / full_marks_at capped at max_score.
-- Incremental by period (a period is every unit's and the province's figures for it, replaced whole: delete+insert on
-- period_type and period_start): a run finds the months holding a dossier fct_dossiers wrote since this model's
-- last build (validated since its cursor, or judged at a later as-of time: the open month follows the clock), and
-- the months whose dossier count no longer matches the fact's (a dossier whose reception date moved it to another
-- month; a period left with none is dropped by the pre-hook), and recomputes every period holding one of them (the
-- month, its quarter, half-year and year). A unit re-coded inside a month is covered because the whole period is
-- recomputed. A changed project rebuilds it in full (rebuild_if_project_changed), and so does any change of
-- the procedure catalogue (meta rebuild_on_catalogue_change): a decision made public late changes a past month.
-- Catalogue indicators (1.1-1.3, 3.1, 3.5, 3.6 term C) count the procedures the unit applies (the catalogue's
-- applied units; for the province scope, the procedures it publishes), in force at the period end.
-- depends_on: {{ ref('fct_dossiers') }}
-- depends_on: {{ ref('int_feedback__dossier_signals') }}
-- depends_on: {{ ref('int_units__departments') }} (kho_build_fingerprint)
-- depends_on: {{ ref('stg_catalogue__procedures') }} (kho_build_fingerprint)
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
{% if is_incremental() %}
months as (
    select distinct d.period_month from {{ ref('fct_dossiers') }} as d
    where {{ onestop_validated_since_build('d.validated_at') }}
        or d.as_of_at > (select coalesce(max(t.as_of_at), '-infinity'::timestamptz) from {{ this }} as t)
    union
    select coalesce(f.period_month, t.period_start)
    from (select period_month, count(*) as dossiers from {{ ref('fct_dossiers') }}
          where unit_code is not null group by 1) as f
    full join (select period_start, sum(denominator) as dossiers from {{ this }}
               where period_type = 'month' and scope = 'unit' and unit_role = 'competent'
                   and indicator_id = 'dossier_sync'
               group by 1) as t on t.period_start = f.period_month
    where f.dossiers is distinct from t.dossiers
    union
    -- months of dossiers whose feedback or rating (5.4) was validated since this model's cursor
    select d.period_month from {{ ref('fct_dossiers') }} as d
    inner join {{ ref('int_feedback__dossier_signals') }} as s on s.dossier_code = d.dossier_code
    where {{ onestop_validated_since_build('s.validated_at') }}
),

periods as (
    select p.period_type, p.period_start
    from months as m
    cross join lateral {{ kho_periods_holding('m.period_month') }} as p (period_type, period_start)
    union
    -- periods whose 5.2/5.3 counts moved (feedback items are few: compared in full)
    select t.period_type, t.period_start
    from {{ this }} as t
    left join {{ ref('int_feedback__unit_months') }} as f
        on f.scope = t.scope and f.unit_role = t.unit_role and f.unit_code = t.unit_code
        and f.period_type = t.period_type and f.period_start = t.period_start and f.indicator_id = t.indicator_id
    where t.indicator_id in ({{ feedback_ids }})
        and (t.numerator, t.denominator) is distinct from (f.numerator, f.denominator)
),
{% endif %}

dossiers as (
    select * from {{ ref('service_index_766_dossiers') }}
    {% if is_incremental() %}where (period_type, period_start) in (select p.period_type, p.period_start from periods as p){% endif %}
),

feedback as (
    select * from {{ ref('int_feedback__unit_months') }}
    {% if is_incremental() %}where (period_type, period_start) in (select p.period_type, p.period_start from periods as p){% endif %}
),

counts as (
    {% for scope, role, key in groupings %}
    select
        '{{ scope }}' as scope,
        '{{ role }}' as unit_role,
        {{ key }} as unit_code,
        period_type,
        period_start,
        {% for ind in indicators %}
        {% if ind.kind == "dossiers" %}
        count(*) filter (where {{ ind.id }}_num)::numeric as {{ ind.id }}_num,
        count(*) filter (where {{ ind.id }}_den)::numeric as {{ ind.id }}_den,
        {% elif ind.kind == "procedures" %}
        count(distinct procedure_code) filter (where {{ ind.id }}_num)::numeric as {{ ind.id }}_num,
        count(distinct procedure_code) filter (where {{ ind.id }}_den)::numeric as {{ ind.id }}_den,
        {% elif ind.kind == "average" %}
        coalesce(sum({{ ind.id }}_num) filter (where {{ ind.id }}_den), 0)::numeric as {{ ind.id }}_num,
        count(*) filter (where {{ ind.id }}_den)::numeric as {{ ind.id }}_den,
        {% elif ind.kind == "feedback" %}
        null::numeric as {{ ind.id }}_num,
        null::numeric as {{ ind.id }}_den,
        {% elif ind.kind == "catalogue" %}
        array_agg(distinct procedure_code) filter (where {{ ind.id }}_num) as {{ ind.id }}_procedures,
        {% endif %}
        {% endfor %}
        count(*) as dossiers,
        max(period_end_at) as period_end_at,
        max(as_of_at) as as_of_at
    from dossiers
    where {{ key }} is not null
    group by {{ key }}, period_type, period_start
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

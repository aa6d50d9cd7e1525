-- The Decision 766 service index, one row per scope (unit | province) x unit role (competent | receiving) x unit x
-- period (type: month, quarter, half_year, year; and start): every indicator's numerator, denominator, rate, score
-- and max score (from service_index_766_indicators), the six group scores and the total. Indicators Kho cannot compute are null (their
-- reason is in service_index_766_indicators.null_reason); max_score_computed is what the computed ones can reach.
with indicators as (
    select * from {{ ref('service_index_766_indicators') }}
),

units as (
    select unit_code, unit_full_name, unit_level, province_code from {{ ref('dim_units') }} where is_current
),

wide as (
    select
        scope,
        unit_role,
        unit_code,
        period_type,
        period_start,
        {% for ind in all_indicators_766() %}
        max(numerator) filter (where indicator_id = '{{ ind }}') as {{ ind }}_numerator,
        max(denominator) filter (where indicator_id = '{{ ind }}') as {{ ind }}_denominator,
        max(rate) filter (where indicator_id = '{{ ind }}') as {{ ind }}_rate,
        max(score) filter (where indicator_id = '{{ ind }}') as {{ ind }}_score,
        max(max_score) filter (where indicator_id = '{{ ind }}') as {{ ind }}_max_score,
        {% endfor %}
        {% for g in range(1, 7) %}
        sum(score) filter (where group_code = {{ g }}) as group_{{ g }}_score,
        {% endfor %}
        sum(score) as total_score,
        sum(max_score) filter (where score is not null) as max_score_computed,
        sum(max_score) as max_score_total,
        string_agg(indicator_id, ', ' order by indicator_id) filter (where score is null) as indicators_not_scored
    from indicators
    group by scope, unit_role, unit_code, period_type, period_start
)

select
    w.scope,
    w.unit_role,
    w.unit_code,
    u.unit_full_name as unit_name,
    u.unit_level,
    u.province_code,
    w.period_type,
    w.period_start,
    {% for ind in all_indicators_766() %}
    w.{{ ind }}_numerator,
    w.{{ ind }}_denominator,
    w.{{ ind }}_rate,
    w.{{ ind }}_score,
    w.{{ ind }}_max_score,
    {% endfor %}
    {% for g in range(1, 7) %}
    w.group_{{ g }}_score,
    {% endfor %}
    w.total_score,
    w.max_score_computed,
    w.max_score_total,
    round(w.total_score / nullif(w.max_score_computed, 0), 4) as score_share_of_computed,
    w.indicators_not_scored
from wide as w
left join units as u on u.unit_code = w.unit_code

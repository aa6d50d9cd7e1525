-- Plan 02 readiness per commune, month and criterion (plan02_criteria): the value the commune reported and its
-- colour, the warehouse's measure of it where there is one and the colour that gives, and where they disagree:
-- reported_ready_data_not (reported green, the data says otherwise: a software "in use" with no dossier received,
-- a share reported green that the dossiers do not reach), reported_above_measured (a share reported more than the
-- criterion's tolerance above the measured one). A commune-month without a return has no reported value.
with months as (
    select m.*, to_jsonb(m) as fields
    from {{ ref('int_readiness__commune_months') }} as m
),

reported as (
    select
        m.unit_code, m.unit_name, m.province_code, m.period_month, m.has_return, c.*,
        case
            when not m.has_return then null
            when c.denominator_field is null then (m.fields ->> c.numerator_field)::numeric * c.scale
            else (m.fields ->> c.numerator_field)::numeric
                / nullif((m.fields ->> c.denominator_field)::numeric, 0) * c.scale
        end as reported_value
    from months as m
    cross join {{ ref('plan02_criteria') }} as c
),

judged as (
    select
        r.*,
        me.measured_numerator,
        me.measured_denominator,
        me.measured_value,
        {{ plan02_colour('r.reported_value', 'r') }} as reported_colour,
        case
            when me.measured_value is null then null
            when r.value_unit = 'flag' then case when me.measured_value >= 1 then 'green' else 'red' end
            else {{ plan02_colour('me.measured_value', 'r') }}
        end as measured_colour
    from reported as r
    left join {{ ref('int_readiness__measures') }} as me
        on me.unit_code = r.unit_code and me.period_month = r.period_month and me.measured_by = r.measured_by
)

select
    unit_code,
    unit_name,
    province_code,
    period_month,
    criterion_code,
    sort_order,
    criterion_name,
    criterion_name_en,
    group_code,
    group_name,
    is_basic_condition,
    value_unit,
    has_return,
    round(reported_value, 4) as reported_value,
    reported_colour,
    measured_by,
    measured_numerator,
    measured_denominator,
    round(measured_value, 4) as measured_value,
    measured_colour,
    case
        when reported_colour = 'green' and measured_colour is not null and measured_colour <> 'green'
            then 'reported_ready_data_not'
        when value_unit = 'share' and reported_value - measured_value > tolerance then 'reported_above_measured'
    end as disagreement
from judged

-- Plan 02 readiness per commune and month: how many of the basic conditions it meets (green), its colour (green:
-- all met; red: one not met, or no return that month; yellow otherwise), whether its reports and the warehouse's
-- data disagree, and the change from the month before.
with by_commune as (
    select
        unit_code,
        unit_name,
        province_code,
        period_month,
        bool_or(has_return) as has_return,
        count(*) filter (where is_basic_condition) as criteria_total,
        count(*) filter (where is_basic_condition and reported_colour = 'green') as criteria_met,
        count(*) filter (where is_basic_condition and reported_colour = 'yellow') as criteria_yellow,
        count(*) filter (where is_basic_condition and coalesce(reported_colour, 'red') = 'red') as criteria_red,
        count(*) filter (where disagreement is not null) as disagreements,
        string_agg(criterion_code, ', ' order by sort_order) filter (where disagreement is not null)
            as disagreeing_criteria
    from {{ ref('plan02_commune_criteria') }}
    group by unit_code, unit_name, province_code, period_month
),

coloured as (
    select
        b.*,
        case
            when not b.has_return then 'red'
            when b.criteria_met = b.criteria_total then 'green'
            when b.criteria_red > 0 then 'red'
            else 'yellow'
        end as colour
    from by_commune as b
),

ranked as (
    select c.*, case c.colour when 'green' then 2 when 'yellow' then 1 else 0 end as colour_rank
    from coloured as c
),

with_previous as (
    select
        r.*,
        lag(r.colour) over by_month as previous_colour,
        lag(r.colour_rank) over by_month as previous_colour_rank,
        lag(r.criteria_met) over by_month as previous_criteria_met
    from ranked as r
    window by_month as (partition by r.unit_code order by r.period_month)
)

select
    unit_code,
    unit_name,
    province_code,
    period_month,
    has_return,
    criteria_total,
    criteria_met,
    criteria_yellow,
    criteria_red,
    colour,
    has_return and criteria_met = criteria_total as meets_all_basic_conditions,
    disagreements,
    disagreeing_criteria,
    previous_colour,
    previous_criteria_met,
    case
        when previous_colour is null then null
        when colour_rank = previous_colour_rank then 'unchanged'
        when colour_rank > previous_colour_rank then 'improved'
        else 'worsened'
    end as colour_change
from with_previous

-- Plan 02 readiness per province and month: its communes by colour (and those that sent no return), the share
-- green (meeting every basic condition: the figure the steering office publishes, e.g. 59.7% nationally on
-- 31/07/2025), the change from the month before, and the communes whose reports and data disagree. A month is final
-- once the warehouse holds a return sent after its returns were due (ten days after the month, the deadline the
-- suite warns on): before that, communes still reporting count as without a return.
with by_province as (
    select
        s.province_code,
        s.period_month,
        count(*) as communes,
        count(*) filter (where s.colour = 'green') as communes_green,
        count(*) filter (where s.colour = 'yellow') as communes_yellow,
        count(*) filter (where s.colour = 'red') as communes_red,
        count(*) filter (where not s.has_return) as communes_without_return,
        count(*) filter (where s.disagreements > 0) as communes_with_disagreements
    from {{ ref('plan02_commune_status') }} as s
    group by s.province_code, s.period_month
),

as_of as (
    select max(sent_at) as as_of_at from {{ ref('int_readiness__returns') }}
),

shares as (
    select
        b.*,
        round(b.communes_green::numeric / b.communes, 4) as green_share,
        round(b.communes_yellow::numeric / b.communes, 4) as yellow_share,
        round(b.communes_red::numeric / b.communes, 4) as red_share
    from by_province as b
)

select
    s.province_code,
    p.unit_full_name as province_name,
    s.period_month,
    (s.period_month + interval '1 month' + interval '10 days')::date as returns_due_on,
    a.as_of_at >= s.period_month + interval '1 month' + interval '10 days' as is_final,
    s.communes,
    s.communes_green,
    s.communes_yellow,
    s.communes_red,
    s.communes_without_return,
    s.communes_with_disagreements,
    s.green_share,
    s.yellow_share,
    s.red_share,
    lag(s.green_share) over (partition by s.province_code order by s.period_month) as previous_green_share,
    s.green_share - lag(s.green_share) over (partition by s.province_code order by s.period_month)
        as green_share_change
from shares as s
cross join as_of as a
left join {{ ref('admin_units') }} as p on p.unit_code = s.province_code

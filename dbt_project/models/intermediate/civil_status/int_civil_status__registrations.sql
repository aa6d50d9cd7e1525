-- Every current register entry of the three types in one shape, with its citizen-ID checks rolled up: the
-- registration is 'verified' when every person with a checkable ID matched; otherwise the worst answer wins
-- (mismatch, then not_found, then pending); 'not_checkable' when no person had a well-formed ID, name and date.
with entries as (
    select * from {{ ref('stg_civil_status__births') }}
    union all
    select * from {{ ref('stg_civil_status__deaths') }}
    union all
    select * from {{ ref('stg_civil_status__marriages') }}
),

checks as (
    select
        source_table,
        batch_id,
        row_num,
        count(*) as people_checked,
        count(*) filter (where status = 'match') as people_matched,
        count(*) filter (where status = 'mismatch') as people_mismatched,
        count(*) filter (where status = 'not_found') as people_not_found,
        count(*) filter (where status = 'pending') as people_pending
    from {{ ref('stg_population__checks') }}
    group by 1, 2, 3
)

select
    e.*,
    coalesce(c.people_checked, 0) as people_checked,
    coalesce(c.people_matched, 0) as people_matched,
    case
        when c.people_checked is null then 'not_checkable'
        when c.people_mismatched > 0 then 'mismatch'
        when c.people_not_found > 0 then 'not_found'
        when c.people_pending > 0 then 'pending'
        else 'verified'
    end as verified_status
from entries as e
left join checks as c using (source_table, batch_id, row_num)

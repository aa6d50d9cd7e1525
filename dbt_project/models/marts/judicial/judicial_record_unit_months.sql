-- Judicial-record requests per receiving unit and month of reception: how many were received, issued, issued by
-- their deadline, still open (and overdue at the source's latest change), and which agency the open ones wait on.
-- Counts and timeliness only: whether anyone has a criminal record is not here, nor derivable from here.
with requests as (
    select * from {{ ref('int_judicial__requests') }}
    where unit_code is not null
)

select
    r.unit_code,
    u.unit_full_name as unit_name,
    r.month,
    count(*) as received,
    count(*) filter (where r.via_onestop) as received_via_onestop,
    count(*) filter (where not r.via_onestop) as received_direct,
    count(*) filter (where r.extract_type = '1') as extract_no1_requests,
    count(*) filter (where r.extract_type = '2') as extract_no2_requests,
    count(*) filter (where r.is_issued) as issued,
    count(*) filter (where r.is_issued and r.issued_at <= r.effective_due_at) as issued_on_time,
    count(*) filter (where r.is_issued and r.issued_at > r.effective_due_at) as issued_late,
    round(count(*) filter (where r.is_issued and r.issued_at <= r.effective_due_at)::numeric
          / nullif(count(*) filter (where r.is_issued), 0), 4) as on_time_share,
    count(*) filter (where r.is_refused) as refused,
    count(*) filter (where r.is_open) as open,
    count(*) filter (where r.is_open and r.effective_due_at < r.as_of_at) as open_overdue,
    count(*) filter (where r.waiting_police) as waiting_police,
    count(*) filter (where r.waiting_national_centre) as waiting_national_centre,
    count(*) filter (where r.waiting_court) as waiting_court,
    round((percentile_cont(0.5) within group (order by extract(epoch from r.issued_at - r.received_at) / 86400.0)
           filter (where r.is_issued))::numeric, 2) as median_days_to_issue,
    max(r.as_of_at) as as_of_at
from requests as r
left join {{ ref('admin_units') }} as u using (unit_code)
group by r.unit_code, u.unit_full_name, r.month

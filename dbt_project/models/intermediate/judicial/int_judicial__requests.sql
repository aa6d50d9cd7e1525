-- Judicial-record requests with the receiving unit resolved to a unit in force (by the era of the reception date),
-- the deadline they are judged against, and their state at the source's latest change (as_of_at: the newest
-- NgayCapNhat the warehouse holds, the same reading of "now" as the one-stop's). No sensitive column: whether a
-- person has a criminal record stays in stg_judicial__requests.
-- Deadline: NgayHenTra as the system set it; when missing, the Law on Judicial Records' (28/2009/QH12, Art. 48(1)):
-- 10 days from the request, 15 for a person who lived in several places (calendar days, Kho's reading of "ngày").
with requests as (
    select
        r.request_id, r.dossier_code, r.extract_type, r.lived_in_several_places, r.unit_code_as_sent,
        r.received_at, r.due_at, r.status, r.issued_at, r.source_updated_at,
        case when r.received_at < '{{ var("reform_date") }}'::date then 'pre_reform' else 'post_reform' end
            as unit_era
    from {{ ref('stg_judicial__requests') }} as r
),

as_of as (
    select max(source_updated_at) as as_of_at from requests
),

checks as (
    select
        request_id,
        count(*) as checks_sent,
        bool_or(agency_code = 'CONG_AN' and answered_at is null) as waiting_police,
        bool_or(agency_code = 'TT_LLTP_QG' and answered_at is null) as waiting_national_centre,
        bool_or(agency_code = 'TOA_AN' and answered_at is null) as waiting_court,
        max(answered_at) as last_answer_at
    from {{ ref('stg_judicial__checks') }}
    group by request_id
)

select
    r.request_id,
    r.dossier_code,
    r.dossier_code is not null as via_onestop,
    r.extract_type,
    r.lived_in_several_places,
    u.unit_code,
    r.unit_code_as_sent,
    u.resolution as unit_code_resolution,
    r.received_at,
    date_trunc('month', r.received_at)::date as month,
    r.due_at,
    coalesce(r.due_at, r.received_at + case when r.lived_in_several_places then interval '15 days'
                                              else interval '10 days' end) as effective_due_at,
    case when r.due_at is not null then 'sent' else 'statutory' end as due_source,
    r.status,
    r.issued_at,
    r.issued_at is not null as is_issued,
    r.status = 'TU_CHOI' and r.issued_at is null as is_refused,
    r.issued_at is null and r.status <> 'TU_CHOI' as is_open,
    coalesce(c.checks_sent, 0) as checks_sent,
    r.issued_at is null and r.status <> 'TU_CHOI' and coalesce(c.waiting_police, false) as waiting_police,
    r.issued_at is null and r.status <> 'TU_CHOI' and coalesce(c.waiting_national_centre, false)
        as waiting_national_centre,
    r.issued_at is null and r.status <> 'TU_CHOI' and coalesce(c.waiting_court, false) as waiting_court,
    a.as_of_at
from requests as r
cross join as_of as a
left join {{ ref('int_unit_codes__resolved') }} as u on u.source_unit_code = r.unit_code_as_sent and u.era = r.unit_era
left join checks as c using (request_id)

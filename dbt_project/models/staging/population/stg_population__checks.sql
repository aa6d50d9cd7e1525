-- Citizen-ID check results per registered person entry: which raw row and person (role) each check is for and
-- what the population service answered (pending until it does). No raw IDs: keys are keyed hashes.
select
    q.source_table,
    q.batch_id,
    q.row_num,
    q.role,
    c.id_pseudonym,
    c.status,
    c.attempts,
    c.checked_at
from {{ source('population', 'check_requests') }} as q
inner join {{ source('population', 'checks') }} as c using (check_key)

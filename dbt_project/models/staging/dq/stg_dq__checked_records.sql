-- Every validated row (dq.checked_rows) with its suite, source, stream and extraction time.
select
    v.run_id,
    v.batch_id,
    c.row_num,
    v.suite,
    b.source,
    b.stream,
    b.extracted_at,
    c.record_key,
    c.unit_code as named_unit_code,
    c.record_date
from {{ source('dq', 'checked_rows') }} as c
inner join {{ source('dq', 'validation_runs') }} as v on v.run_no = c.run_no  -- the run by its number (migration 0012)
inner join {{ source('kho', 'batches') }} as b on b.batch_id = v.batch_id

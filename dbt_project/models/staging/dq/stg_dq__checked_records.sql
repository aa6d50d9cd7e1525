-- Every validated row (dq.checked_records) with its suite, source, stream and extraction time.
select
    c.run_id,
    c.batch_id,
    c.row_num,
    v.suite,
    b.source,
    b.stream,
    b.extracted_at,
    c.record_key,
    c.unit_code as named_unit_code,
    c.record_date
from {{ source('dq', 'checked_records') }} as c
inner join {{ source('dq', 'validation_runs') }} as v on v.run_id = c.run_id
inner join {{ source('kho', 'batches') }} as b on b.batch_id = c.batch_id

-- 0009: the checked records by key, so that an incremental build of int_dq__record_versions reads every version of
-- the records a new validation run saw (a few thousand keys an hour) without scanning every row ever validated.
create index if not exists checked_records_record_key on dq.checked_records (record_key);

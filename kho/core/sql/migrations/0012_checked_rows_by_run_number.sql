-- 0012: the rows every validation checked move from dq.checked_records to dq.checked_rows, which names the run by a
-- number, not by the run's and the batch's text ids repeated on every row. dq.checked_records (a million rows per
-- million-dossier batch) had the primary key (batch_id, row_num, run_id): ~190 bytes an entry, no two alike, so
-- B-tree deduplication never applied; the table and its indexes took 445 MB per million records and 6.5 s to write.
-- dq.checked_rows, keyed (run_no, row_num): 96 MB and 3.4 s for the same rows. The batch is the run's
-- (dq.validation_runs.batch_id); stg_dq__checked_records joins it back.
-- A new name, not the old table altered: a warehouse bootstrapped before the ledger replays every migration from
-- 0001, which creates dq.checked_records in its first shape and 0010 indexes its run_id; both must still apply.
alter table dq.validation_runs add column if not exists run_no integer generated always as identity;
do $$
begin
    if not exists (select 1 from pg_constraint where conname = 'validation_runs_run_no_key') then
        alter table dq.validation_runs add constraint validation_runs_run_no_key unique (run_no);
    end if;
end $$;

create table if not exists dq.checked_rows (   -- every validated row, narrow: the DQ marts' denominator
    run_no      integer not null,                  -- dq.validation_runs.run_no
    row_num     integer not null,
    record_key  text,
    unit_code   text,                              -- as the record names it (resolved to today's unit in dbt)
    record_date date,                              -- business date (reception, promulgation, registration)
    primary key (run_no, row_num)
);

do $$
begin
    if to_regclass('dq.checked_records') is not null then
        insert into dq.checked_rows (run_no, row_num, record_key, unit_code, record_date)
        select v.run_no, c.row_num, c.record_key, c.unit_code, c.record_date
        from dq.checked_records as c
        inner join dq.validation_runs as v on v.run_id = c.run_id
        on conflict do nothing;
        -- dbt's staging view over it (nothing else reads that view as a view) goes with it; the next dbt build
        -- creates it again over dq.checked_rows
        drop view if exists staging.stg_dq__checked_records;
        drop table dq.checked_records;
    end if;
end $$;

-- 0011: per dbt model that reads validation results incrementally (int_dq__record_versions), the validation runs it
-- has read. A run's finished_at cannot serve as a cursor: it is the validation transaction's start (now()), and two
-- validations committing in the other order would leave one run behind a cursor already past it. The set of runs
-- read is exact; a re-validation replaces a batch's run with a new run_id, which is read again. Rows of runs that
-- no longer exist are dropped by the model's post-hook.
create table if not exists kho.model_validation_runs (
    model  text not null,  -- schema.table of the dbt model
    run_id text not null,  -- dq.validation_runs.run_id
    primary key (model, run_id)
);

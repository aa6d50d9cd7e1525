-- 0004: what `dbt source freshness` found after each transform (kho.dbt.check_source_freshness): one row per raw
-- table and check, kept as history, so a source that stopped sending shows when it stopped and for how long.
create table if not exists kho.source_freshness (
    checked_at      timestamptz not null,
    source          text not null,
    source_table    text not null,
    status          text not null,            -- pass | warn | error | runtime error (dbt's FreshnessStatus)
    max_loaded_at   timestamptz,              -- the newest _extracted_at in the raw table
    age_seconds     double precision,         -- checked_at - max_loaded_at
    warn_after      text,                     -- the thresholds declared in the source's yml, e.g. "2 day"
    error_after     text,
    primary key (checked_at, source, source_table)
);

-- 0008: per incremental dbt model, its cursor and the project it was built from. validated_through is the newest
-- validated dossier version the model had read at its last build (an incremental run takes what was validated
-- after it); project_fingerprint is a SHA-256 over models, macros, seeds and dbt_project.yml
-- (kho.dbt.project_fingerprint): a model whose project changed since is rebuilt in full by its next run (macro
-- rebuild_if_project_changed), so a changed rule or reference seed reaches every row.
create table if not exists kho.model_builds (
    model               text primary key,         -- schema.table of the dbt model
    project_fingerprint text not null,            -- '' when dbt ran without Kho's environment
    validated_through   timestamptz,
    built_at            timestamptz not null
);

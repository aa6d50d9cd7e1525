-- 0005: the schemas dbt builds into, created ahead of it. Cosmos runs one dbt process per model, in parallel; each
-- issues `create schema if not exists` for its model's schema, and two of them creating the same schema at the same
-- moment collide on pg_namespace's unique index (seen under a real scheduler: "Key (nspname)=(intermediate) already
-- exists"). Made here once, their creation is a no-op for every dbt process.
create schema if not exists staging;
create schema if not exists staging_restricted;  -- dbt-built, restricted like raw (no reader role is granted it)
create schema if not exists intermediate;
create schema if not exists marts;
create schema if not exists reference;

-- 0001 baseline: the landing-side objects owned by Kho's Python runtime as of the first numbered migration.
-- Written idempotently (if not exists), so a warehouse bootstrapped before migrations were recorded takes it as is.
create schema if not exists kho;          -- run bookkeeping: batches and incremental state
create schema if not exists dq;           -- validation results and quarantine
create schema if not exists kho_work;     -- restricted: short-lived narrow copies of batches under validation
create schema if not exists raw_population;   -- restricted: citizen-ID checks (keys are keyed hashes, no raw IDs)
create schema if not exists security;     -- who may see which units' rows (row-level security on the marts)

create table if not exists kho.batches (
    batch_id        text primary key,
    source          text not null,
    stream          text not null,
    mode            text not null,            -- incremental | backfill | file
    window_start    timestamp,
    window_end      timestamp,
    source_file     text,
    extracted_at    timestamptz not null,
    rows_extracted  bigint not null,
    rows_rejected   bigint not null default 0,
    rows_loaded     bigint,
    landing_path    text not null,
    loaded_at       timestamptz
);

create table if not exists kho.stream_state (
    source      text not null,
    stream      text not null,
    watermark   timestamp not null,           -- exclusive end of the last loaded window
    batch_id    text not null references kho.batches (batch_id),
    updated_at  timestamptz not null default now(),
    primary key (source, stream)
);

create table if not exists kho.source_files (   -- drop-folder files already read, by content
    source      text not null,
    sha256      text not null,
    file_name   text not null,
    batch_id    text not null references kho.batches (batch_id),
    primary key (source, sha256)
);

-- raw tables (raw_<source>.<stream>) are generated from the sources' contracts (kho/core/raw_tables.py)

create table if not exists dq.validation_runs (
    run_id            text primary key,
    batch_id          text not null,
    suite             text not null,
    started_at        timestamptz not null,
    finished_at       timestamptz not null,
    rows_checked      bigint not null,
    rows_passed       bigint not null,
    rows_quarantined  bigint not null,
    gx_success        boolean not null
);

create table if not exists dq.rule_results (       -- one row per run x rule x unit
    run_id      text not null references dq.validation_runs (run_id) on delete cascade,
    batch_id    text not null,
    suite       text not null,
    rule        text not null,
    severity    text not null,                     -- error (quarantines) | warn (recorded, passes)
    unit_code   text not null,                     -- '?' where the record names no unit
    checked     bigint not null,
    failed      bigint not null,
    primary key (run_id, rule, unit_code)
);

create table if not exists dq.expectation_results ( -- GX's own verdict per rule, for cross-checking
    run_id          text not null references dq.validation_runs (run_id) on delete cascade,
    rule            text not null,
    expectation     text not null,
    success         boolean not null,
    element_count   bigint,
    unexpected_count bigint,
    primary key (run_id, rule)
);

create table if not exists dq.quarantine (
    batch_id    text not null,
    row_num     integer not null,
    record_key  text,                              -- MaHoSo as received (may itself be the defect)
    unit_code   text,
    rule        text not null,
    run_id      text not null references dq.validation_runs (run_id) on delete cascade,
    quarantined_at timestamptz not null default now(),
    primary key (batch_id, row_num, rule)
);

-- GX's result document per run, with every sample of row values removed (expectations.validation.scrubbed): Data Docs
alter table dq.validation_runs add column if not exists gx_result jsonb;

create table if not exists dq.warnings (         -- rows failing a warn rule: recorded, not quarantined
    batch_id    text not null,
    row_num     integer not null,
    record_key  text,
    unit_code   text,
    rule        text not null,
    run_id      text not null references dq.validation_runs (run_id) on delete cascade,
    flagged_at  timestamptz not null default now(),
    primary key (batch_id, row_num, rule)
);

create table if not exists dq.checked_records (  -- every validated row, narrow: the DQ marts' denominator
    run_id      text not null references dq.validation_runs (run_id) on delete cascade,
    batch_id    text not null,
    row_num     integer not null,
    record_key  text,
    unit_code   text,                              -- as the record names it (resolved to today's unit in dbt)
    record_date date,                              -- business date (reception, promulgation, registration)
    primary key (batch_id, row_num, run_id)
);

create table if not exists dq.rules (            -- the rules as coded, with their wording for reports
    suite       text not null,
    rule        text not null,
    severity    text not null,
    expectation text not null,
    message_vi  text not null,
    message_en  text not null,
    updated_at  timestamptz not null default now(),
    primary key (suite, rule)
);

create table if not exists kho.report_deliveries ( -- one row per report e-mail attempted
    delivery_id   bigint generated always as identity primary key,
    period        date not null,                   -- first day of the reported month
    unit_code     text not null,                   -- 'province' for the overview
    lang          text not null,
    recipients    text[] not null,
    subject       text not null,
    report_sha256 text not null,
    status        text not null check (status in ('sent', 'failed')),
    error         text,
    attempted_at  timestamptz not null default now()
);
create index if not exists report_deliveries_unit_idx on kho.report_deliveries (unit_code, period, lang);

-- Dates as Vietnamese registers write them: yyyy-mm-dd, dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy. Null when
-- empty or not a real date (31/02/2026), so a rule can tell "missing" from "unreadable". Used by validation and dbt.
create or replace function kho.valid_date(y int, m int, d int) returns date
language sql immutable parallel safe as $$
    -- nested CASE: PostgreSQL evaluates a CASE's branches in order (an AND may run make_date on month 13)
    select case when y between 1 and 9999 and m between 1 and 12 then
               case when d between 1 and extract(day from make_date(y, m, 1) + interval '1 month - 1 day')
                    then make_date(y, m, d) end
           end
$$;
create or replace function kho.parse_vn_date(value text) returns date
language sql immutable parallel safe as $$
    select case
        when v ~ '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}( 00:00:00)?$'
            then kho.valid_date(split_part(v, '-', 1)::int, split_part(v, '-', 2)::int,
                                split_part(split_part(v, '-', 3), ' ', 1)::int)
        when v ~ '^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}$'
            then kho.valid_date(split_part(translate(v, '.-', '//'), '/', 3)::int,
                                split_part(translate(v, '.-', '//'), '/', 2)::int,
                                split_part(translate(v, '.-', '//'), '/', 1)::int)
    end
    from (select btrim(value) as v) as t
$$;

-- Citizen-ID checks against the national population database (connectors/population). A check is keyed by a keyed
-- hash of (ID, name, birth date) as entered, so a person entered the same way twice is checked once; the raw
-- values stay in raw_civil_status. A check is pending until the service answers; it is never dropped.
create table if not exists raw_population.checks (
    check_key        text primary key,
    id_pseudonym     text not null,
    status           text not null default 'pending',  -- pending | match | mismatch | not_found
    attempts         integer not null default 0,
    last_error       text,
    first_seen_at    timestamptz not null default now(),
    checked_at       timestamptz,
    next_attempt_at  timestamptz not null default now()
);
create index if not exists checks_pending_idx on raw_population.checks (next_attempt_at) where status = 'pending';
create table if not exists raw_population.check_requests (  -- which raw row and person each check is for
    source_table  text not null,
    batch_id      text not null,
    row_num       integer not null,
    role          text not null,                  -- column prefix: me, cha, nkt, chong, vo
    check_key     text not null references raw_population.checks (check_key) deferrable,
    primary key (source_table, batch_id, row_num, role)
);
-- a key rotation re-keys checks and their requests in one transaction (the constraint is checked at its end)
alter table raw_population.check_requests alter constraint check_requests_check_key_fkey deferrable;

-- Access: group roles engineer / analyst / department; login roles are members. Creating roles needs CREATEROLE:
-- without it (a managed warehouse) this is skipped with a notice and a DBA creates them (README, "Access").
do $$
declare r text;
begin
    -- readers; and the pseudonym key holder and the role allowed to pseudonymize (kho/core/sql/pseudonyms.sql)
    foreach r in array array['kho_engineer', 'kho_analyst', 'kho_department', 'kho_keyholder', 'kho_transform'] loop
        if not exists (select 1 from pg_roles where rolname = r) then
            begin
                execute format('create role %I nologin', r);
            exception when insufficient_privilege then
                raise notice 'cannot create role % (needs CREATEROLE); access control is left to the DBA', r;
            end;
        end if;
    end loop;
end $$;

create table if not exists security.department_units (  -- a department login role and the units it may see
    role_name  text not null,
    unit_code  text not null,
    primary key (role_name, unit_code)
);
-- a department reads its own rows of the mapping only (the marts' policies read it as the department)
alter table security.department_units enable row level security;
do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kho_department') then
        drop policy if exists own_units on security.department_units;
        create policy own_units on security.department_units for select to kho_department
            using (role_name = current_user);
    end if;
    if exists (select 1 from pg_roles where rolname = 'kho_engineer') then
        drop policy if exists all_units on security.department_units;
        create policy all_units on security.department_units for select to kho_engineer using (true);
    end if;
end $$;

-- Grants and row-level security on one mart table; dbt calls it after every build of a mart (a rebuilt table loses
-- its policies), `kho roles apply` for every mart. row_filter: a unit column = departments see their units' rows;
-- 'shared' = reference data every role reads; null = analysts and engineers only.
create or replace function security.protect_mart(tbl regclass, row_filter text) returns void
language plpgsql as $$
declare
    has_role boolean := exists (select 1 from pg_roles where rolname = 'kho_department');
begin
    if exists (select 1 from pg_roles where rolname = 'kho_analyst') then
        execute format('grant select on %s to kho_analyst', tbl);
    end if;
    if row_filter is null or not has_role then
        return;
    end if;
    if (select relkind from pg_class where oid = tbl) = 'v' then
        -- a view runs as its owner and would bypass the policies of the tables under it: departments get no grant
        raise notice 'mart % is a view: analysts and engineers only', tbl;
        return;
    end if;
    if row_filter = 'shared' then
        execute format('grant select on %s to kho_department', tbl);
        return;
    end if;
    execute format('alter table %s enable row level security', tbl);
    -- an owner skips its table's policies unless they are forced: force them where a reader owns the mart
    if exists (select 1 from pg_class c where c.oid = tbl and exists (
                   select 1 from pg_roles g where g.rolname in ('kho_analyst', 'kho_department')
                   and pg_has_role(c.relowner, g.oid, 'member'))) then
        execute format('alter table %s force row level security', tbl);
    end if;
    execute format('drop policy if exists kho_all_rows on %s', tbl);
    execute format('create policy kho_all_rows on %s for select to kho_analyst, kho_engineer using (true)', tbl);
    execute format('drop policy if exists kho_own_units on %s', tbl);
    execute format('create policy kho_own_units on %s for select to kho_department using (%I in '
                   '(select d.unit_code from security.department_units d where d.role_name = current_user))',
                   tbl, row_filter);
    execute format('grant select on %s to kho_department', tbl);
end $$;

-- 0013: security.protect_mart leaves a mart that is already protected as it is. Every build of an incremental mart
-- (fct_dossiers, fct_dossier_periods, the 766 counts) ran `alter table ... enable row level security` and dropped
-- and re-created its two policies: each takes an ACCESS EXCLUSIVE lock, so the post-hook waited for every reader of
-- the mart (another dbt thread, an analyst's query, a report) and every reader after it queued behind the hook. A
-- table a build has just created is new, without policies: it gets them as before. The department policy carries
-- its row filter as its comment, so a mart whose filter column changes gets its policy again.
create or replace function security.protect_mart(tbl regclass, row_filter text) returns void
language plpgsql as $$
declare
    has_role boolean := exists (select 1 from pg_roles where rolname = 'kho_department');
    c pg_class%rowtype;
begin
    if exists (select 1 from pg_roles where rolname = 'kho_analyst') then
        execute format('grant select on %s to kho_analyst', tbl);  -- a catalog update: no lock on the table
    end if;
    if row_filter is null or not has_role then
        return;
    end if;
    select * into c from pg_class where oid = tbl;
    if c.relkind = 'v' then
        -- a view runs as its owner and would bypass the policies of the tables under it: departments get no grant
        raise notice 'mart % is a view: analysts and engineers only', tbl;
        return;
    end if;
    if row_filter = 'shared' then
        execute format('grant select on %s to kho_department', tbl);
        return;
    end if;
    if not c.relrowsecurity then
        execute format('alter table %s enable row level security', tbl);
    end if;
    -- an owner skips its table's policies unless they are forced: force them where a reader owns the mart
    if not c.relforcerowsecurity and exists (
            select 1 from pg_roles g where g.rolname in ('kho_analyst', 'kho_department')
            and pg_has_role(c.relowner, g.oid, 'member')) then
        execute format('alter table %s force row level security', tbl);
    end if;
    if not exists (select 1 from pg_policy where polrelid = tbl and polname = 'kho_all_rows') then
        execute format('create policy kho_all_rows on %s for select to kho_analyst, kho_engineer using (true)', tbl);
    end if;
    if coalesce((select obj_description(p.oid, 'pg_policy') from pg_policy p
                 where p.polrelid = tbl and p.polname = 'kho_own_units'), '') is distinct from row_filter then
        execute format('drop policy if exists kho_own_units on %s', tbl);
        execute format('create policy kho_own_units on %s for select to kho_department using (%I in '
                       '(select d.unit_code from security.department_units d where d.role_name = current_user))',
                       tbl, row_filter);
        execute format('comment on policy kho_own_units on %s is %L', tbl, row_filter);
    end if;
    execute format('grant select on %s to kho_department', tbl);
end $$;

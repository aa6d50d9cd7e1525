-- 0002: warehouses bootstrapped before the list columns became json: the views dbt built on the raw table are dropped
-- first (PostgreSQL cannot retype a column a view uses); the next dbt build recreates them
do $$
declare c record;
begin
    if exists (select 1 from information_schema.columns
               where table_schema = 'raw_onestop' and table_name = 'dossiers' and data_type = 'jsonb') then
        for c in select distinct n.nspname as view_schema, v.relname as view_name
                 from pg_depend d
                 join pg_rewrite r on r.oid = d.objid
                 join pg_class v on v.oid = r.ev_class
                 join pg_namespace n on n.oid = v.relnamespace
                 where d.refobjid = 'raw_onestop.dossiers'::regclass and v.oid <> d.refobjid loop
            raise notice 'dropping view %.% (dbt rebuilds it) to retype raw_onestop.dossiers', c.view_schema,
                c.view_name;
            execute format('drop view if exists %I.%I cascade', c.view_schema, c.view_name);
        end loop;
        for c in select column_name from information_schema.columns
                 where table_schema = 'raw_onestop' and table_name = 'dossiers' and data_type = 'jsonb' loop
            execute format('alter table raw_onestop.dossiers alter column %I type json using %I::text::json',
                           c.column_name, c.column_name);
        end loop;
    end if;
end $$;
drop index if exists raw_onestop.dossiers_mahoso_idx;  -- staging dedupes with one sort; the index only cost loads


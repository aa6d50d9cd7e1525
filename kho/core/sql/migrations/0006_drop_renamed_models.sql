-- 0006: relations dbt built under names it no longer uses, left behind on warehouses built before the renames
-- (dbt never drops a model it stopped building): the unit × month marts now named dossier_unit_months and
-- document_unit_months, and the latest-dossier base moved out of the raw schema into staging_restricted.
do $$
declare r record;
begin
    for r in select n.nspname, c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where (n.nspname, c.relname) in (('marts', 'unit_month_kpis'), ('marts', 'document_unit_month_kpis'),
                                              ('raw_onestop', 'base_onestop__latest_dossiers')) loop
        execute format('drop %s if exists %I.%I cascade',
                       case r.relkind when 'v' then 'view' when 'm' then 'materialized view' else 'table' end,
                       r.nspname, r.relname);
    end loop;
end $$;

-- 0015: the (unit, month) groups of data-quality records that changed since each model aggregating them was last
-- built. int_dq__record_versions writes, for every such model (dbt meta dq_by_unit_month), the groups its touched
-- records leave and join; the model rebuilds those groups only and deletes the rows it read, in its build's
-- transaction. A build of that model that fails or is skipped leaves them for the next. unit_code '*' with
-- period_month 'infinity' asks for a rebuild of every group (int_dq__record_versions was rebuilt in full).
create table if not exists kho.dq_unit_month_changes (
    model        text not null,  -- schema.table of the dbt model that has yet to rebuild the group
    unit_code    text not null,
    period_month date not null,
    primary key (model, unit_code, period_month)
);

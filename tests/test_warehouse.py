"""Schema management: numbered migrations recorded in the warehouse, applied once; older layouts upgraded in place."""

import threading

import pytest

pytestmark = pytest.mark.integration


def test_bootstrap_retypes_jsonb_list_columns_even_under_dbt_views(fresh_schema):
    wh = fresh_schema
    with wh.connect() as conn:  # the layout of warehouses bootstrapped before the list columns became json
        conn.execute("drop table kho.schema_migrations")  # and before migrations were recorded
        conn.execute("alter table raw_onestop.dossiers alter column tailieunop type jsonb using tailieunop::jsonb")
        conn.execute("insert into kho.batches (batch_id, source, stream, mode, extracted_at, rows_extracted, "
                     "landing_path) values ('b1', 'onestop', 'dossiers', 'file', now(), 1, '/landing/b1')")
        conn.execute("""insert into raw_onestop.dossiers (_batch_id, _row_num, _extracted_at, mahoso, tailieunop)
                        values ('b1', 0, now(), 'HS-1', '[{"DuocSoHoa": "1"}]')""")
        conn.execute("create schema if not exists staging")
        conn.execute("create view staging.v_docs as select mahoso, tailieunop -> 0 as first_doc "
                     "from raw_onestop.dossiers")
    wh.bootstrap()
    _, [(data_type,)] = wh.query("select data_type from information_schema.columns where table_schema = "
                                 "'raw_onestop' and table_name = 'dossiers' and column_name = 'tailieunop'")
    assert data_type == "json"
    assert wh.query("select to_regclass('staging.v_docs') is null")[1][0][0]  # dbt recreates its views
    assert wh.query("select tailieunop::text from raw_onestop.dossiers")[1] == [('[{"DuocSoHoa": "1"}]',)]
    assert wh.bootstrap() == []  # and once upgraded, migrating again changes nothing


def _ledger(wh) -> list[tuple]:
    return wh.query("select version, checksum, applied_at from kho.schema_migrations order by version")[1]


def test_open_only_looks_at_the_ledger_and_migrates_when_behind(fresh_schema, settings):
    from kho.core.migrations import SchemaBehind, expected
    from kho.core.warehouse import Warehouse

    ledger = _ledger(fresh_schema)
    assert [v for v, _, _ in ledger] == sorted(expected())  # every numbered step and the contracts, once
    Warehouse.open(settings)
    assert _ledger(fresh_schema) == ledger  # a current warehouse: nothing re-applied (same applied_at)

    with fresh_schema.connect() as conn:  # behind: a step missing
        conn.execute("delete from kho.schema_migrations where version = '0002_onestop_lists_as_json'")
    with pytest.raises(SchemaBehind, match="0002_onestop_lists_as_json.*kho migrate"):
        Warehouse.open(settings.model_copy(update={"auto_migrate": False}))
    Warehouse.open(settings)  # the default migrates
    assert [v for v, _, _ in _ledger(fresh_schema)] == [v for v, _, _ in ledger]


def test_models_left_behind_by_a_rename_are_dropped(fresh_schema, settings):
    """A warehouse built before the unit × month marts were renamed and the latest-dossier base left the raw schema
    loses the old relations on upgrade (dbt never drops what it stopped building); the raw data stays."""
    from kho.core.warehouse import Warehouse

    with fresh_schema.connect() as conn:
        conn.execute("create table marts.unit_month_kpis (unit_code text)")
        conn.execute("create view marts.document_unit_month_kpis as select 1 as unit_code")
        conn.execute("create table raw_onestop.base_onestop__latest_dossiers (mahoso text)")
        conn.execute("delete from kho.schema_migrations where version = '0006_drop_renamed_models'")
    Warehouse.open(settings)
    left = fresh_schema.query("select to_regclass('marts.unit_month_kpis'), "
                              "to_regclass('marts.document_unit_month_kpis'), "
                              "to_regclass('raw_onestop.base_onestop__latest_dossiers'), "
                              "to_regclass('raw_onestop.dossiers') is not null")[1][0]
    assert left == (None, None, None, True)


def test_checked_records_move_to_rows_named_by_run_number(fresh_schema, settings):
    """A warehouse written before 0012 keeps every checked row on upgrade, each under its own run's number, and the
    staging view over the old table (dbt recreates it) does not block the move."""
    from kho.core.warehouse import Warehouse

    with fresh_schema.connect() as conn:  # the layout of 0001 and 0010, with two runs' rows
        conn.execute("drop table dq.checked_rows")
        conn.execute("alter table dq.validation_runs drop column run_no")
        conn.execute("create table dq.checked_records (run_id text not null, batch_id text not null, row_num "
                     "integer not null, record_key text, unit_code text, record_date date, "
                     "primary key (batch_id, row_num, run_id))")
        conn.execute("create index checked_records_run_idx on dq.checked_records (run_id)")
        conn.execute("create view staging.stg_dq__checked_records as select * from dq.checked_records")
        for run, batch in (("r-a", "b-a"), ("r-b", "b-b")):
            conn.execute("insert into dq.validation_runs (run_id, batch_id, suite, started_at, finished_at, "
                         "rows_checked, rows_passed, rows_quarantined, gx_success) "
                         "values (%s, %s, 's', now(), now(), 2, 2, 0, true)", (run, batch))
        conn.execute("insert into dq.checked_records values ('r-a', 'b-a', 0, 'K1', '38', '2026-01-02'), "
                     "('r-a', 'b-a', 1, null, null, null), ('r-b', 'b-b', 0, 'K1', '38', '2026-02-03')")
        conn.execute("delete from kho.schema_migrations where version = '0012_checked_rows_by_run_number'")
    Warehouse.open(settings)
    _, rows = fresh_schema.query("select v.run_id, v.batch_id, c.row_num, c.record_key, c.unit_code, "
                                 "c.record_date::text from dq.checked_rows as c join dq.validation_runs as v "
                                 "using (run_no) order by 1, 3")
    assert rows == [("r-a", "b-a", 0, "K1", "38", "2026-01-02"), ("r-a", "b-a", 1, None, None, None),
                    ("r-b", "b-b", 0, "K1", "38", "2026-02-03")]
    assert fresh_schema.query("select to_regclass('dq.checked_records')")[1] == [(None,)]


def test_an_applied_migration_that_was_edited_is_refused(fresh_schema, settings):
    from kho.core.migrations import MigrationChanged
    from kho.core.warehouse import Warehouse

    with fresh_schema.connect() as conn:
        conn.execute("update kho.schema_migrations set checksum = 'edited' where version = '0001_baseline'")
    with pytest.raises(MigrationChanged, match="0001_baseline.*new numbered migration"):
        Warehouse.open(settings)


def test_processes_starting_at_once_apply_each_step_once(fresh_schema):
    """Task processes that open a new warehouse together: the advisory lock serializes them, none fails."""
    with fresh_schema.connect() as conn:
        conn.execute("drop schema kho, dq, kho_work, raw_onestop, raw_documents, raw_civil_status cascade")
    errors: list[BaseException] = []

    def migrate():
        try:
            fresh_schema.bootstrap()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=migrate) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    versions = [v for v, _, _ in _ledger(fresh_schema)]
    assert len(versions) == len(set(versions)) and "contracts" in versions


def test_a_served_warehouse_is_reached_without_starting_or_stopping_it(warehouse, settings, tmp_path, monkeypatch):
    """KHO_EMBEDDED_MODE=served (tasks each in their own process): the running server is used as it is and never
    stopped by a task; with none running, the error says how to start one."""
    import os

    import pytest

    from kho.core.warehouse import Warehouse, WarehouseUnavailable
    from kho.dbt import export_dbt_secrets

    served = settings.model_copy(update={"embedded_mode": "served"})
    wh = Warehouse.open(served)
    assert (wh.host, wh.port, wh._server) == (warehouse.host, warehouse.port, None)
    wh.close()
    assert warehouse.query("select 1")[1] == [(1,)]  # still up
    for var in ("KHO_PG_HOST", "KHO_PG_PORT"):
        monkeypatch.delenv(var, raising=False)
    export_dbt_secrets(served)  # what a task process does when it parses the transform DAG
    assert (os.environ["KHO_PG_HOST"], os.environ["KHO_PG_PORT"]) == (warehouse.host, str(warehouse.port))
    nothing = served.model_copy(update={"home": tmp_path})
    with pytest.raises(WarehouseUnavailable, match="kho warehouse serve"):
        Warehouse.open(nothing)
    assert not (tmp_path / "pgdata").exists()  # nothing was started

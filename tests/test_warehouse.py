"""Bootstrapping an existing warehouse: the landing-side DDL upgrades older layouts in place."""

import pytest

pytestmark = pytest.mark.integration


def test_bootstrap_retypes_jsonb_list_columns_even_under_dbt_views(fresh_schema):
    wh = fresh_schema
    with wh.connect() as conn:  # the layout of warehouses bootstrapped before the list columns became json
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
    wh.bootstrap()  # and once upgraded, bootstrapping again changes nothing


def test_a_served_warehouse_is_reached_without_starting_or_stopping_it(warehouse, settings, tmp_path, monkeypatch):
    """KHO_EMBEDDED_MODE=served (tasks each in their own process): the running server is used as it is and never
    stopped by a task; with none running, the error says how to start one."""
    import os

    import pytest

    from kho.dbt import export_dbt_secrets
    from kho.warehouse import Warehouse, WarehouseUnavailable

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

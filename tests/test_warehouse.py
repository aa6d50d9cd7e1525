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

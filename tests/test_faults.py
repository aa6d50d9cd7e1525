"""The fault suite: the one-stop and document sources under what a province's links, gateways and servers do to them.

For every fault: records extracted = loaded + quarantined + rejected, a rerun loads nothing twice, and where a record
is refused the error names it and the rule. README's fault table ("Faults") lists each fault with what these tests
check. The processes killed here are real child processes killed with SIGKILL; the warehouse restart is a real
restart of the embedded PostgreSQL.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import datetime

import httpx
import psycopg
import pytest

from connectors.onestop.client import OneStopClient
from connectors.onestop.streams import extract_window, import_export
from connectors.onestop.suite import suite
from connectors.paging import PagingOrderError
from expectations.validation import validate_batch
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.loading import load_batch
from kho.core.settings import PROJECT_ROOT
from kho.core.state import get_watermark
from kho.core.windows import Window

pytestmark = pytest.mark.integration
WINDOW = Window(datetime(2025, 1, 1), datetime(2026, 8, 1))


def _accounting(wh, batch_id: str) -> tuple[int, int, int, int]:
    """(extracted, loaded, quarantined rows, rejected) of one batch, from the warehouse's own records."""
    _, [(extracted, rejected, loaded)] = wh.query(
        "select rows_extracted, rows_rejected, rows_loaded from kho.batches where batch_id = %s", (batch_id,))
    _, [(quarantined,)] = wh.query("select count(distinct row_num) from dq.quarantine where batch_id = %s",
                                   (batch_id,))
    return extracted, loaded, quarantined, rejected


def _run(client: OneStopClient, wh, settings, window: Window = WINDOW) -> tuple[BatchManifest, object]:
    manifest = extract_window(client, ExtractRun.of("onestop", settings), window)
    load_batch(wh, manifest)
    return manifest, validate_batch(wh, suite(), manifest.batch_id)


FAULTS = [
    {"fail_every": 3, "fail_status": 500},     # 500s mid-window
    {"stall_every": 4, "stall_seconds": 1.5},  # the client gives up after 0.5 s and asks again
    {"repeat_every": 3},                       # a gateway repeats its previous answer
    {"churn_per_page": 5},                     # dossiers edited while the window is read
]


@pytest.mark.parametrize("fault", FAULTS, ids=["http-500", "timeouts", "repeated-pages", "changes-while-paging"])
def test_the_one_stop_source_under_a_faulty_link(fault, make_sandbox, settings, fresh_schema):
    srv = make_sandbox(dossiers=900, dirty_share=0.05, **fault)
    with OneStopClient(srv.url, "sandbox-token", page_size=100, timeout=0.5, backoff_seconds=0.01) as client:
        manifest, summary = _run(client, fresh_schema, settings)
    extracted, loaded, quarantined, rejected = _accounting(fresh_schema, manifest.batch_id)
    assert extracted == loaded + rejected and summary.checked == loaded == summary.passed + quarantined
    final = {r["MaHoSo"] for r in srv.app.all_records()}
    landed = Counter((r["MaHoSo"], r["NgayCapNhat"]) for r in
                     (dict(zip(("MaHoSo", "NgayCapNhat"), row, strict=True)) for row in fresh_schema.query(
                         "select mahoso, ngaycapnhat from raw_onestop.dossiers")[1]))
    assert {c for c, _ in landed} == final  # every dossier of the window, none lost
    dup_codes = {c for c, n in Counter(r["MaHoSo"] for r in srv.app.all_records()).items() if n > 1}
    assert all(n == 1 for (c, _), n in landed.items() if c not in dup_codes)  # no version landed twice


def test_after_every_fault_and_a_rerun_the_marts_hold_each_dossier_once(make_sandbox, settings, fresh_schema):
    """The same window read through each faulty link in turn (four batches of the same dossiers, the last one
    edited while paged), then the transform: every dossier with a clean version is in fct_dossiers once, in its
    latest clean version."""
    from kho.dbt import run_dbt

    for fault in FAULTS:
        srv = make_sandbox(dossiers=600, dirty_share=0.05, **fault)
        with OneStopClient(srv.url, "sandbox-token", page_size=100, timeout=0.5, backoff_seconds=0.01) as client:
            _run(client, fresh_schema, settings)
    final = {r["MaHoSo"]: r for r in srv.app.all_records()}
    run_dbt(["build", "--select", "+fct_dossiers"], fresh_schema, settings)
    _, rows = fresh_schema.query("select dossier_code, count(*) over (partition by dossier_code), source_updated_at "
                                 "from marts.fct_dossiers")
    assert rows and max(r[1] for r in rows) == 1
    _, clean = fresh_schema.query("""
        select distinct r.mahoso from raw_onestop.dossiers r
        where not exists (select 1 from dq.quarantine q where q.batch_id = r._batch_id and q.row_num = r._row_num)""")
    assert {r[0] for r in rows} == {c for (c,) in clean}
    assert len(rows) > 0.9 * len(final)
    stale = [c for c, _, at in rows if at.strftime("%Y%m%d%H%M%S") != final[c]["NgayCapNhat"]]
    assert not stale, stale[:5]  # the edits made while paging reached the fact


def test_a_page_out_of_order_is_refused_with_the_rows_named(make_sandbox, settings):
    srv = make_sandbox(dossiers=400, dirty_share=0, shuffle_every=2)
    with OneStopClient(srv.url, "sandbox-token", page_size=50) as client, \
            pytest.raises(PagingOrderError, match=r"not ordered by change time: .*-\d{5} \(2026"):
        extract_window(client, ExtractRun.of("onestop", settings), WINDOW)


CHILD = textwrap.dedent("""
    import json, os, signal, sys
    from kho.core.settings import get_settings
    from kho.core.warehouse import Warehouse
    from connectors.onestop.client import OneStopClient
    from connectors.onestop.streams import extract_window
    from kho.core.batches import BatchManifest
    from kho.core.extract_run import ExtractRun
    from kho.core.loading import load_batch
    from kho.core.windows import Window
    from datetime import datetime
    WINDOW = Window(datetime(2025, 1, 1), datetime(2026, 8, 1))
    step, url = sys.argv[1], sys.argv[2]
    settings = get_settings()
    wh = Warehouse.open(settings)
    if step == "extract":
        with OneStopClient(url, "sandbox-token", page_size=200) as client:
            m = extract_window(client, ExtractRun.of("onestop", settings), WINDOW)
        print(json.dumps(m.to_dict()), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # landed, never loaded
    else:
        manifest = BatchManifest.from_dict(json.loads(sys.argv[3]))
        print("loading", flush=True)
        load_batch(wh, manifest)
        print("loaded", flush=True)
""")


def _child(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, *args], cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=os.environ.copy())


def test_kill_9_between_landing_and_loading_loses_nothing(make_sandbox, settings, fresh_schema):
    srv = make_sandbox(dossiers=600, dirty_share=0.05)
    child = _child("extract", srv.url)
    out, _ = child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL
    orphan = BatchManifest.from_dict(json.loads(out.splitlines()[-1]))
    assert orphan.files and fresh_schema.query("select count(*) from kho.batches")[1][0][0] == 0
    # the next run extracts the window again (no state moved) and accounts for every record
    with OneStopClient(srv.url, "sandbox-token", page_size=200) as client:
        manifest, summary = _run(client, fresh_schema, settings)
    extracted, loaded, quarantined, rejected = _accounting(fresh_schema, manifest.batch_id)
    assert extracted == loaded + rejected == 600 and summary.passed + quarantined == loaded
    assert fresh_schema.query("select count(*) from raw_onestop.dossiers")[1][0][0] == 600


def _wait_for_lock_wait(wh, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _, rows = wh.query("select pid from pg_stat_activity where wait_event_type = 'Lock' "
                           "and query like '%%stream_state%%'")
        if rows:
            return rows[0][0]
        time.sleep(0.1)
    raise AssertionError("the load never reached the state write")


def _landed_batch(srv, settings) -> BatchManifest:
    with OneStopClient(srv.url, "sandbox-token", page_size=200) as client:
        return extract_window(client, ExtractRun.of("onestop", settings), WINDOW)


@pytest.mark.parametrize("fault", ["kill -9 of the loader", "warehouse restart"])
def test_a_load_interrupted_after_copy_before_the_state_write_leaves_nothing(fault, make_sandbox, settings,
                                                                             fresh_schema, warehouse):
    """The state write is held (a lock taken by the test) so the load is caught after its COPY, inside its
    transaction; then the loader is killed, or the warehouse restarted under it. Nothing of the batch remains, and
    loading it again loads it once."""
    srv = make_sandbox(dossiers=700, dirty_share=0)
    manifest = _landed_batch(srv, settings)
    manifest.mode = "incremental"  # this load would move the state
    holder = fresh_schema.connect()
    holder.execute("lock table kho.stream_state in access exclusive mode")
    child = _child("load", srv.url, json.dumps(manifest.to_dict()))
    try:
        _wait_for_lock_wait(fresh_schema)  # the COPY is done, the transaction open
        if fault == "kill -9 of the loader":
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            holder.rollback()
        else:
            from kho.core.embedded_pg import restart_server

            info = warehouse._server.get_postmaster_info()
            restart_server(warehouse._server, "127.0.0.1", info.port, info.socket_dir)
            out, err = child.communicate(timeout=60)
            assert child.returncode != 0 and "loaded" not in out
            assert "terminat" in err or "server closed" in err or "connection" in err.lower()
    finally:
        with contextlib.suppress(psycopg.Error):
            holder.close()
        if child.poll() is None:
            child.kill()
    deadline = time.monotonic() + 30  # the aborted backend goes once it sees its client gone
    while fresh_schema.query("select count(*) from pg_stat_activity where query like '%%stream_state%%' "
                             "and pid <> pg_backend_pid()")[1][0][0] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert fresh_schema.query("select count(*) from raw_onestop.dossiers")[1][0][0] == 0
    assert fresh_schema.query("select count(*) from kho.batches")[1][0][0] == 0
    assert get_watermark(fresh_schema, "onestop", "dossiers") is None
    assert load_batch(fresh_schema, manifest) == 700
    assert load_batch(fresh_schema, manifest) == 0
    assert fresh_schema.query("select count(*) from raw_onestop.dossiers")[1][0][0] == 700
    assert get_watermark(fresh_schema, "onestop", "dossiers") == WINDOW.end


def test_the_same_batch_loaded_and_validated_twice_counts_once(make_sandbox, settings, fresh_schema):
    srv = make_sandbox(dossiers=500, dirty_share=0.1)
    manifest = _landed_batch(srv, settings)
    assert load_batch(fresh_schema, manifest) == 500 and load_batch(fresh_schema, manifest) == 0
    first = validate_batch(fresh_schema, suite(), manifest.batch_id)
    second = validate_batch(fresh_schema, suite(), manifest.batch_id)
    assert (first.checked, first.quarantined) == (second.checked, second.quarantined) and first.quarantined > 0
    _, [(runs, quarantined, checked)] = fresh_schema.query(
        "select (select count(*) from dq.validation_runs), (select count(distinct row_num) from dq.quarantine), "
        "(select count(*) from dq.checked_rows)")
    assert (runs, quarantined, checked) == (1, first.quarantined, 500)


def test_schema_drift_keeps_every_value_and_names_the_rule(tmp_path, make_sandbox, settings, fresh_schema):
    """A field added (kept in _extra), renamed (the old name's value kept in _extra; the record refused by the rule
    the missing field breaks), removed (optional: null) and retyped (numbers where strings belong pass as their
    text; an object where a list belongs is refused by its rule)."""
    srv = make_sandbox(dossiers=40, dirty_share=0)
    records = list(srv.app.all_records())
    records[0]["TruongMoi"] = "thêm"                                    # added
    records[1]["NgayNhanHoSo"] = records[1].pop("NgayTiepNhan")         # renamed
    del records[2]["TenLinhVuc"]                                        # removed
    records[3]["TrangThaiHoSo"] = int(records[3]["TrangThaiHoSo"])      # retyped: number
    records[4]["TaiLieuNop"] = {"TepDinhKemId": "x"}                    # retyped: object for a list
    path = tmp_path / "drift.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    manifest = import_export(ExtractRun.of("onestop", settings), path)
    load_batch(fresh_schema, manifest)
    summary = validate_batch(fresh_schema, suite(), manifest.batch_id)
    extracted, loaded, quarantined, rejected = _accounting(fresh_schema, manifest.batch_id)
    assert (extracted, loaded, rejected) == (40, 40, 0) and quarantined == summary.quarantined == 2
    _, rows = fresh_schema.query("select record_key, rule from dq.quarantine where batch_id = %s order by 2",
                                 (manifest.batch_id,))
    assert rows == [(records[4]["MaHoSo"], "list_fields_are_lists"), (records[1]["MaHoSo"], "received_date_required")]
    _, extra = fresh_schema.query("select mahoso, _extra::text, tenlinhvuc, trangthaihoso from raw_onestop.dossiers "
                                  "where mahoso = any(%s) order by mahoso",
                                  ([r["MaHoSo"] for r in records[:4]],))
    by_code = {r[0]: r[1:] for r in extra}
    assert "thêm" in by_code[records[0]["MaHoSo"]][0] and "NgayNhanHoSo" in by_code[records[1]["MaHoSo"]][0]
    assert by_code[records[2]["MaHoSo"]][1] is None
    assert by_code[records[3]["MaHoSo"]][2] == str(records[3]["TrangThaiHoSo"])


def test_the_document_axis_under_500s_and_a_rerun(settings, fresh_schema):
    from connectors.documents.client import DocumentAxisClient
    from connectors.documents.streams import STREAMS
    from connectors.documents.streams import extract_window as extract_documents
    from connectors.documents.suite import SUITES
    from sandbox.documents.server import DocumentServer, SandboxDocumentSystem
    from sandbox.onestop.generator import Dossiers, SandboxConfig

    axis = SandboxDocumentSystem(Dossiers(SandboxConfig(dossiers=300)), fail_every=4)
    with DocumentServer(axis) as srv:
        s = settings.model_copy(update={"documents_url": srv.url, "documents_page_size": 40})
        listed = {k: len(axis.entries(k, 0, axis.clock)) for k in ("edoc", "status")}
        window = Window(datetime(2025, 1, 1), datetime(2026, 12, 1))
        for _rerun in (False, True):
            with DocumentAxisClient(srv.url, "sandbox-token", page_size=40, backoff_seconds=0.01) as client:
                for stream in STREAMS:
                    m = extract_documents(client, ExtractRun.of("documents", s, backfill=window), stream, window)
                    load_batch(fresh_schema, m)
                    v = validate_batch(fresh_schema, SUITES[stream](), m.batch_id)
                    extracted, loaded, quarantined, rejected = _accounting(fresh_schema, m.batch_id)
                    kind = "edoc" if stream == "edocs" else "status"
                    assert extracted == loaded + rejected == listed[kind], stream
                    assert v.checked == loaded == v.passed + quarantined
    _, [(rows, batches, messages)] = fresh_schema.query(
        "select count(*), count(distinct _batch_id), count(distinct message_id) from raw_documents.edocs")
    assert batches == 2 and rows == 2 * messages  # the rerun is a batch of its own; staging keeps one version


def test_http_errors_name_the_source_when_retries_run_out(make_sandbox, settings):
    srv = make_sandbox(dossiers=50, fail_every=1, fail_status=500)
    with OneStopClient(srv.url, "sandbox-token", max_attempts=2, backoff_seconds=0.01) as client, \
            pytest.raises(httpx.HTTPStatusError, match="500"):
        extract_window(client, ExtractRun.of("onestop", settings), WINDOW)


def test_the_staged_list_tests_check_each_changed_dossier_and_only_those(make_sandbox, settings, fresh_schema):
    """The per-dossier tests on the staged lists (where: __dossiers_not_yet_checked__, macros/test_scope.sql) read
    the dossiers validated since the chain's last build: a dossier already checked is not read again, a dossier
    whose new version breaks a rule fails the test, and `dbt test` without the project's fingerprint checks all."""
    from kho.dbt import DBT_PROJECT, dbt_paths, run_dbt

    srv = make_sandbox(dossiers=300, dirty_share=0)
    with OneStopClient(srv.url, "sandbox-token", page_size=100) as client:
        _run(client, fresh_schema, settings)
    run_dbt(["build", "--select", "+fct_dossiers", "stg_onestop__supplement_requests"], fresh_schema, settings)
    test = "stg_onestop__supplement_requests_rules_on_changed_dossiers"
    broken = """update staging_restricted.base_onestop__latest_dossiers
        set danhsachhosobosung = '[{"HoSoBoSungId": "BS-1", "NgayTiepNhanBoSung": "20260105080000"}]'::json
        where mahoso = (select min(mahoso) from staging_restricted.base_onestop__latest_dossiers)"""
    with fresh_schema.connect() as conn:
        conn.execute(broken)  # an old version, already checked: out of the next run's scope
    assert dict(run_dbt(["test", "--select", test], fresh_schema, settings)) == {test: "pass"}
    with fresh_schema.connect() as conn:  # the same dossier, validated again after the build
        conn.execute("update staging_restricted.base_onestop__latest_dossiers set _validated_at = now() "
                     "where mahoso = (select min(mahoso) from staging_restricted.base_onestop__latest_dossiers)")
    with pytest.raises(RuntimeError, match=rf"{test}: fail .*\[not_null\(requested_at\): 1 rows\]"):
        run_dbt(["test", "--select", test], fresh_schema, settings)
    with fresh_schema.connect() as conn:  # back to before the build: only a check of everything can find it
        conn.execute("update staging_restricted.base_onestop__latest_dossiers set _validated_at = '2020-01-01' "
                     "where mahoso = (select min(mahoso) from staging_restricted.base_onestop__latest_dossiers)")
    env = {**os.environ, **fresh_schema.dbt_env(), "DO_NOT_TRACK": "1"}
    env.pop("KHO_PROJECT_FINGERPRINT", None)  # dbt run by hand
    by_hand = subprocess.run([sys.executable, "-c", "from dbt.cli.main import cli; cli()", "test", "--select", test,
                              *dbt_paths(settings)], env=env, cwd=DBT_PROJECT, capture_output=True, text=True)
    assert by_hand.returncode == 1 and "FAIL 1" in by_hand.stdout, by_hand.stdout[-2000:]


def test_the_dossier_row_tests_check_the_dossiers_validated_since_the_counts_were_built(make_sandbox, settings,
                                                                                        fresh_schema):
    """The per-row tests on the one-stop chain's tables (where: __dossier_rows_not_yet_checked__, macros/test_scope.sql)
    read the dossiers validated since the last build of the 766 counts from a matching fingerprint: a row of a
    dossier already checked is not read again, the same dossier validated again is; when the counts were built from
    another unit register than fct_dossiers (a rebuild in full) every row of fct_dossiers is checked, while the
    milestones, which do not depend on the register, keep their scope."""
    from kho.dbt import run_dbt

    srv = make_sandbox(dossiers=300, dirty_share=0)
    with OneStopClient(srv.url, "sandbox-token", page_size=100) as client:
        _run(client, fresh_schema, settings)
    run_dbt(["build", "--select", "+service_index_766_counts"], fresh_schema, settings)
    facts = "fct_dossiers_rules_on_changed_dossiers"
    milestones = "int_onestop__dossier_milestones_rules_on_changed_dossiers"
    tests = ["--select", facts, milestones]
    first = "(select min(dossier_code) from marts.fct_dossiers)"
    with fresh_schema.connect() as conn:
        conn.execute(f"update marts.fct_dossiers set channel = 'fax' where dossier_code = {first}")
        conn.execute("update intermediate.int_onestop__dossier_milestones set period_type = 'decade' "
                     f"where dossier_code = {first} and period_type = 'year'")
    assert dict(run_dbt(["test", *tests], fresh_schema, settings)) == {facts: "pass", milestones: "pass"}
    with fresh_schema.connect() as conn:  # the same dossier, validated again after the build
        conn.execute("update staging_restricted.base_onestop__latest_dossiers set _validated_at = now() "
                     f"where mahoso = {first}")
    with pytest.raises(RuntimeError, match=rf"(?s)(?=.*{facts}: fail [^\n]*accepted_values\(channel\): 1 rows)"
                                           rf"(?=.*{milestones}: fail [^\n]*accepted_values\(period_type\): 1 rows)"):
        run_dbt(["test", *tests], fresh_schema, settings)
    with fresh_schema.connect() as conn:  # checked before, but the counts were built from another register
        conn.execute("update staging_restricted.base_onestop__latest_dossiers set _validated_at = '2020-01-01' "
                     f"where mahoso = {first}")
        conn.execute("update kho.model_builds set project_fingerprint = project_fingerprint || 'x' "
                     "where model = 'marts.service_index_766_counts'")
    with pytest.raises(RuntimeError, match=f"{facts}: fail") as failed:
        run_dbt(["test", *tests], fresh_schema, settings)
    assert f"{milestones}: fail" not in str(failed.value)
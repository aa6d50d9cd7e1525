"""`kho stack up` as a data engineer runs it: the warehouse served, Airflow's metadata in PostgreSQL, Redis, an S3
API server holding the landing bucket, and Airflow with the CeleryExecutor and two workers, each its own process.

One scenario, in order: the scheduled extract_onestop run; one Celery worker killed with SIGKILL (its whole
session, as if its host went away) while the run's load task is copying rows into the raw table; the task retried
on the other worker after the scheduler misses its heartbeat; the Asset-triggered transform and report runs
succeed and the marts hold what the sandbox's answer key says (the same truth the dag.test() e2e tests check); a
backfill of a past hour with `airflow backfill create` re-reads and validates that hour on the workers (that a
re-read changes no mart is held by tests/test_e2e.py's backfill test, on every mart); `kho stack down` leaves no
process behind."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg
import pytest
from onestop_truth import busiest_hour, expected_clean_codes

from kho.core.settings import PROJECT_ROOT
from kho.processes import free_port, kill_session, log_says, session_members, start_detached, stop_session, wait_for
from kho.stack import StackState, admin_login

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
DOSSIERS = 3000
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    home = tmp_path_factory.mktemp("kho-stack")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KHO_", "AIRFLOW"))}
    env.update({
        "KHO_HOME": str(home), "KHO_ONESTOP_URL": f"http://127.0.0.1:{port}",
        "KHO_PSEUDONYM_KEY": "test-" + secrets.token_urlsafe(16), "KHO_REPORT_PDF": "false",
        "KHO_TRANSFORM_TASKS": "single",  # a task process per dbt model is the e2e session's (dag.test) business
        "KHO_BATCH_ROWS": "100",  # 30 parquet parts read from the bucket in the load's COPY: a load to interrupt
        "KHO_TASK_RETRY_DELAY_SECONDS": "2",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "20",  # a lost worker's task fails after 20 s
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    })
    sandbox = start_detached([sys.executable, "-m", "sandbox.onestop", "--port", str(port), "--dossiers",
                              str(DOSSIERS)], home / "sandbox.log", env, home)
    try:
        wait_for(log_says(home / "sandbox.log", "sandbox one-stop system"), "sandbox", 120, sandbox.pid,
                 home / "sandbox.log")
        up = _kho(env, "stack", "up", "--no-sandboxes", "--api-port", str(free_port()), timeout=600)
        assert "stack up: Airflow UI http://127.0.0.1:" in up and "login admin / " in up
        yield env, home
    finally:
        state = home / "stack" / "stack.json"
        sessions = list(json.loads(state.read_text())["pids"].values()) if state.exists() else []
        down = _kho(env, "stack", "down", timeout=300, check=False)
        print(down)
        stop_session(sandbox.pid)
        left = [p.cmdline()[:3] for sid in sessions for p in session_members(sid)]
        assert not left, f"stack processes outlived `kho stack down`: {left}\n{down}"
        assert sessions and json.loads(state.read_text())["pids"] == {}, down


def _kho(env, *args, timeout=180, check=True) -> str:
    out = subprocess.run([str(BIN / "kho"), *args], env=env, capture_output=True, text=True, timeout=timeout)
    if check:
        assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return out.stdout + out.stderr


def _airflow(env, *args) -> str:
    return _kho(env, "stack", "airflow", *args)


def _stack_state(home: Path) -> dict:
    return json.loads((home / "stack" / "stack.json").read_text())


def _api(home: Path) -> httpx.Client:
    """Airflow's REST API as the admin `kho stack up` printed the login of."""
    state = StackState(**_stack_state(home))
    user, password = admin_login(state)
    token = httpx.post(f"{state.api_url}/auth/token", json={"username": user, "password": password}, timeout=30)
    token.raise_for_status()
    return httpx.Client(base_url=f"{state.api_url}/api/v2", timeout=30,
                        headers={"Authorization": f"Bearer {token.json()['access_token']}"})


def _metadata(home: Path) -> psycopg.Connection:
    return psycopg.connect(host=str(home / "pgdata"), port=5432, user="airflow", dbname="airflow", autocommit=True)


def _warehouse(home: Path) -> psycopg.Connection:
    return psycopg.connect(host=str(home / "pgdata"), port=5432, user="postgres", dbname="kho", autocommit=True)


def _runs(meta, dag_id: str) -> list[tuple[str, str, str]]:
    return meta.execute("select run_id, run_type, state from dag_run where dag_id = %s order by id",
                        (dag_id,)).fetchall()


def _wait_runs(meta, dag_id: str, done, what: str, timeout: float = 600) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = _runs(meta, dag_id)
        assert not [r for r in runs if r[2] == "failed"], (dag_id, runs)
        if done(runs):
            return runs
        time.sleep(2)
    raise AssertionError(f"{what}: {dag_id} runs {_runs(meta, dag_id)}")


def _copying(wh) -> bool:
    """A load's transaction is open and its COPY into the raw table running."""
    return wh.execute("select count(*) > 0 from pg_stat_activity where datname = 'kho' and backend_xid is not null "
                      "and state = 'active' and query ~* '^copy\\s+\"?raw_onestop\"?\\s*\\.'").fetchone()[0]


def _write_timeline(meta, home: Path, victim: str) -> None:
    """Every DAG run's start and end, for the people who read the CI output (test-artifacts/stack-timeline.json)."""
    rows = meta.execute("select dag_id, run_type, state, start_date, end_date from dag_run order by start_date"
                        ).fetchall()
    runs = [{"dag": d, "type": t, "state": s, "seconds": round((e - b).total_seconds(), 1) if b and e else None,
             "start": b.isoformat() if b else None} for d, t, s, b, e in rows]
    out = Path(__file__).resolve().parent.parent / "test-artifacts" / "stack-timeline.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"worker_killed": victim, "runs": runs}, indent=1))


def test_lost_worker_backfill_and_the_chain_under_celery(stack):
    env, home = stack
    workers = {name: pid for name, pid in _stack_state(home)["pids"].items() if name.startswith("worker")}
    assert len(workers) == 2
    chain = {"transform_warehouse", "publish_dq_reports", "publish_766_scoreboard", "extract_onestop"}
    dag_files = {p.name for p in (PROJECT_ROOT / "dags").glob("*.py")}  # the stack's DAGs folder; each defines DAGs
    with _metadata(home) as meta, _warehouse(home) as wh, _api(home) as api:
        # the dag-processor has parsed every DAG file (or failed one), then none failed: what `airflow dags
        # list-import-errors` lists, read where it reads it (the CLI costs ~13 CPU-seconds of imports)
        wait_for(lambda: dag_files <= {Path(f).name for (f,) in meta.execute("select fileloc from dag")}
                 or meta.execute("select exists (select from import_error)").fetchone()[0], "the DAG files parsed",
                 180)
        assert meta.execute("select filename, stacktrace from import_error").fetchall() == []
        # through the REST API, as the UI does (a CLI call costs ~12 CPU-seconds of imports; the backfill below is
        # the CLI's); extract_onestop: its latest hourly interval is scheduled now
        for dag_id in sorted(chain):
            api.patch(f"/dags/{dag_id}", json={"is_paused": False}).raise_for_status()
        assert {d for d, paused in meta.execute("select dag_id, is_paused from dag").fetchall() if not paused} == chain

        # 1. the load's transaction open, its COPY streaming the landed parts, when its worker's host goes away
        deadline, victim = time.monotonic() + 400, None
        while victim is None and time.monotonic() < deadline:
            row = meta.execute("select pid from task_instance where dag_id = 'extract_onestop' and task_id = 'load' "
                               "and state = 'running' and pid is not null").fetchone()
            if row is None:
                time.sleep(0.1)
                continue
            if _copying(wh):
                victim = next(name for name, pid in workers.items() if pid == os.getsid(row[0]))
                killed = kill_session(workers[victim])
        assert victim, "the load task was never seen copying rows"
        assert killed >= 2  # the worker and the task process it ran
        wait_for(lambda: not _copying(wh), "the killed load's backend to go", 30)
        assert wh.execute("select count(*) from kho.batches where source = 'onestop'").fetchone()[0] == 0
        assert wh.execute("select count(*) from raw_onestop.dossiers").fetchone()[0] == 0  # rolled back whole

        # 2. the task retried on the other worker; the chain goes on to transform and publish
        for publish in ("publish_dq_reports", "publish_766_scoreboard"):  # both follow the marts' Asset
            _wait_runs(meta, publish, lambda runs: any(r[1] == "asset_triggered" and r[2] == "success"
                                                       for r in runs), "after the lost worker")
        # the backfill's run is this test's, not what follows it: that a re-read changes no mart is the e2e backfill
        # test's (every mart, under dag.test()); a transform and two report runs here would add ~2 minutes
        for dag_id in ("transform_warehouse", "publish_dq_reports", "publish_766_scoreboard"):
            api.patch(f"/dags/{dag_id}", json={"is_paused": True}).raise_for_status()
        tries = meta.execute("select try_number, hostname from task_instance_history where dag_id = "
                             "'extract_onestop' and task_id = 'load' union all select try_number, hostname from "
                             "task_instance where dag_id = 'extract_onestop' and task_id = 'load'").fetchall()
        assert max(t for t, _ in tries) >= 2, tries
        codes = {r[0] for r in wh.execute("select dossier_code from marts.fct_dossiers")}
        assert codes == expected_clean_codes(DOSSIERS)
        extracted, loaded, raw, distinct_raw, checked = wh.execute(
            "select (select sum(rows_extracted - rows_rejected) from kho.batches where source = 'onestop'), "
            "(select sum(rows_loaded) from kho.batches where source = 'onestop'), "
            "(select count(*) from raw_onestop.dossiers), "
            "(select count(distinct (_batch_id, _row_num)) from raw_onestop.dossiers), "
            "(select sum(v.rows_checked) from dq.validation_runs v join kho.batches b using (batch_id) "
            "where b.source = 'onestop')").fetchone()
        assert extracted == loaded == raw == distinct_raw == checked >= DOSSIERS  # nothing lost, nothing doubled

        # 3. a backfill of a past hour, created with the CLI, re-reads that hour on the workers
        hour, changed = busiest_hour(DOSSIERS)
        assert changed > 0
        stamp = hour.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        _airflow(env, "backfill", "create", "--dag-id", "extract_onestop", "--from-date", stamp, "--to-date", stamp)
        _wait_runs(meta, "extract_onestop", lambda runs: any(r[1] == "backfill" and r[2] == "success" for r in runs),
                   "the backfill run")
        _write_timeline(meta, home, victim)
        reread, validated = wh.execute(
            "select coalesce(sum(b.rows_loaded), 0), coalesce(sum(v.rows_checked), 0) from kho.batches b "
            "left join dq.validation_runs v using (batch_id) where b.source = 'onestop' and b.mode = 'backfill'"
        ).fetchone()
        assert reread == validated >= changed  # the hour's dossiers read again (the window reads by last change)

"""The chain under a real Airflow deployment, not dag.test(): `airflow standalone` (api-server, scheduler,
dag-processor, triggerer, LocalExecutor: every task its own process) over dags/, the embedded warehouse served
once by `kho warehouse serve` (KHO_EMBEDDED_MODE=served), the sandbox one-stop system in its own process, the
transform as one `dbt build` task (KHO_TRANSFORM_TASKS=single). The
scheduled extract run's Asset triggers transform_warehouse, whose marts Asset triggers publish_dq_reports; the marts
hold the dossiers the sandbox's answer key says are clean. Everything started here is stopped here."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from onestop_truth import expected_clean_codes

from kho.core.settings import PROJECT_ROOT
from kho.processes import free_port, log_says, start_detached, stop_session, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
DOSSIERS = 400
BIN = Path(sys.executable).parent


def _wait_ready(log: Path, text: str, timeout: float, proc) -> None:
    wait_for(log_says(log, text), text, timeout, proc.pid, log)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    home = tmp_path_factory.mktemp("stack")
    onestop, api_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KHO_", "AIRFLOW"))}
    env.update({
        "KHO_HOME": str(home / "kho"), "KHO_EMBEDDED_MODE": "served", "KHO_ONESTOP_URL": f"http://127.0.0.1:{onestop}",
        "KHO_PSEUDONYM_KEY": "test-" + secrets.token_urlsafe(16), "KHO_REPORT_PDF": "false",
        # the whole build as one task: a task process per model (~4 s of start-up each, 76 of them) would be most
        # of this test's time on 2 cores; the per-model Cosmos DAG runs under dag.test() in the e2e session
        "KHO_TRANSFORM_TASKS": "single",
        "AIRFLOW_HOME": str(home / "airflow"), "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", "DO_NOT_TRACK": "1",
    })
    procs: dict[str, subprocess.Popen] = {}

    def start(name: str, *cmd: str) -> Path:
        log = home / f"{name}.log"
        procs[name] = start_detached(cmd, log, env, home)
        return log

    try:
        _wait_ready(start("warehouse", str(BIN / "kho"), "warehouse", "serve"), "warehouse up", 120,
                    procs["warehouse"])
        _wait_ready(start("sandbox", sys.executable, "-m", "sandbox.onestop", "--port", str(onestop), "--dossiers",
                        str(DOSSIERS)), "sandbox one-stop system", 120, procs["sandbox"])
        _wait_ready(start("airflow", str(BIN / "airflow"), "standalone"), "Airflow is ready", 400, procs["airflow"])
        yield env, home
    finally:
        for name in ("airflow", "sandbox", "warehouse"):  # the warehouse last: on SIGTERM it stops its server
            if name in procs:
                stop_session(procs[name].pid)


def _airflow(env, *args: str) -> str:
    out = subprocess.run([str(BIN / "airflow"), *args], env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def _runs(env, dag_id: str) -> list[tuple[str, str]]:
    rows = _airflow(env, "dags", "list-runs", dag_id, "-o", "plain").splitlines()
    return [(r.split()[1], r.split()[2]) for r in rows if r.startswith(dag_id)]


def test_an_extract_flows_through_transform_and_publish_under_the_real_scheduler(stack):
    env, home = stack
    assert "No data found" in _airflow(env, "dags", "list-import-errors")
    for dag_id in ("transform_warehouse", "publish_dq_reports", "extract_onestop"):
        _airflow(env, "dags", "unpause", dag_id)  # extract_onestop: its latest hourly interval is scheduled now
    deadline, runs = time.monotonic() + 1200, {}
    while time.monotonic() < deadline:
        runs = {d: _runs(env, d) for d in ("extract_onestop", "transform_warehouse", "publish_dq_reports")}
        assert not [r for d in runs.values() for r in d if r[1] == "failed"], runs
        # publish starts when the marts are built, while the transform's last task (source freshness) may still
        # be running: wait for both runs to end
        if (any(rid.startswith("asset_triggered") and state == "success" for rid, state in runs["publish_dq_reports"])
                and any(state == "success" for _, state in runs["transform_warehouse"])):
            break
        time.sleep(10)
    assert any(s == "success" for _, s in runs["extract_onestop"]), runs
    assert any(s == "success" for _, s in runs["transform_warehouse"]), runs
    assert any(r.startswith("asset_triggered") and s == "success" for r, s in runs["publish_dq_reports"]), runs

    from kho.core.settings import KhoSettings
    from kho.core.warehouse import Warehouse

    served = Warehouse.served(KhoSettings(home=home / "kho"))
    with psycopg.connect(served.uri) as conn:
        codes = {r[0] for r in conn.execute("select dossier_code from marts.fct_dossiers")}
        extracted, checked = conn.execute(
            "select (select sum(rows_extracted) from kho.batches), (select sum(rows_checked) "
            "from dq.validation_runs)").fetchone()
    assert codes == expected_clean_codes(DOSSIERS)
    assert extracted == checked >= DOSSIERS  # every extracted row validated, in however many runs
    assert list((home / "kho" / "reports").glob("*/vi/index.html"))

"""The chain under a real Airflow deployment, not dag.test(): `airflow standalone` (api-server, scheduler,
dag-processor, triggerer, LocalExecutor: every task its own process) over dags/, the embedded warehouse served
once by `kho warehouse serve` (KHO_EMBEDDED_MODE=served), the sandbox one-stop system in its own process, the
transform as one `dbt build` task (KHO_TRANSFORM_TASKS=single). The
scheduled extract run's Asset triggers transform_warehouse, whose marts Asset triggers publish_dq_reports; the marts
hold the dossiers the sandbox's answer key says are clean. Everything started here is stopped here."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from kho.core.settings import PROJECT_ROOT

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
DOSSIERS = 400
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(path: Path, text: str, timeout: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            raise AssertionError(f"{proc.args[:3]} exited: {path.read_text(errors='replace')[-3000:]}")
        time.sleep(1)
    raise AssertionError(f"{text!r} not in {path} after {timeout:.0f} s: {path.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    home = tmp_path_factory.mktemp("stack")
    onestop, api_port = _free_port(), _free_port()
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
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(_free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(_free_port()),
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", "DO_NOT_TRACK": "1",
    })
    procs: dict[str, subprocess.Popen] = {}

    def start(name: str, *cmd: str) -> Path:
        log = home / f"{name}.log"
        procs[name] = subprocess.Popen(cmd, env=env, cwd=home, stdout=log.open("w"), stderr=subprocess.STDOUT,
                                       start_new_session=True)
        return log

    try:
        _wait_for(start("warehouse", str(BIN / "kho"), "warehouse", "serve"), "warehouse up", 120,
                  procs["warehouse"])
        _wait_for(start("sandbox", sys.executable, "-m", "sandbox.onestop", "--port", str(onestop), "--dossiers",
                        str(DOSSIERS)), "sandbox one-stop system", 120, procs["sandbox"])
        _wait_for(start("airflow", str(BIN / "airflow"), "standalone"), "Airflow is ready", 400, procs["airflow"])
        yield env, home
    finally:
        for name in ("airflow", "sandbox", "warehouse"):  # the warehouse last: on SIGTERM it stops its server
            if name in procs:
                _stop_session(procs[name])


def _stop_session(proc: subprocess.Popen, grace: float = 30) -> None:
    """SIGTERM to every process of the session ``proc`` leads (Airflow's components and task processes start
    process groups of their own, and outlive standalone), then SIGKILL to whatever is left after ``grace``."""
    import psutil

    def members() -> list[psutil.Process]:
        found = []
        for p in psutil.process_iter():
            try:
                if os.getsid(p.pid) == proc.pid:
                    found.append(p)
            except (ProcessLookupError, PermissionError, psutil.Error):
                continue
        return found

    for p in members():
        with contextlib.suppress(psutil.Error):
            p.terminate()
    _, alive = psutil.wait_procs(members(), timeout=grace)
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(alive, timeout=10)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(10)


def _airflow(env, *args: str) -> str:
    out = subprocess.run([str(BIN / "airflow"), *args], env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def _runs(env, dag_id: str) -> list[tuple[str, str]]:
    rows = _airflow(env, "dags", "list-runs", dag_id, "-o", "plain").splitlines()
    return [(r.split()[1], r.split()[2]) for r in rows if r.startswith(dag_id)]


def _expected_clean_codes() -> set[str]:
    """The sandbox's answer key: every dossier but those carrying an error defect (both of a duplicated code)."""
    from sandbox.onestop.generator import DIRTY_KINDS, Dossiers, SandboxConfig

    d = Dossiers(SandboxConfig(dossiers=DOSSIERS))
    codes = Counter(d.dossier_code(i) for i in range(d.n))
    warn_only = DIRTY_KINDS.index("missing_due_date")
    return {d.dossier_code(i) for i in range(d.n)
            if d.dirty_kind[i] in (-1, warn_only) and codes[d.dossier_code(i)] == 1}


def test_an_extract_flows_through_transform_and_publish_under_the_real_scheduler(stack):
    env, home = stack
    assert "No data found" in _airflow(env, "dags", "list-import-errors")
    for dag_id in ("transform_warehouse", "publish_dq_reports", "extract_onestop"):
        _airflow(env, "dags", "unpause", dag_id)  # extract_onestop: its latest hourly interval is scheduled now
    deadline, runs = time.monotonic() + 1200, {}
    while time.monotonic() < deadline:
        runs = {d: _runs(env, d) for d in ("extract_onestop", "transform_warehouse", "publish_dq_reports")}
        assert not [r for d in runs.values() for r in d if r[1] == "failed"], runs
        if any(rid.startswith("asset_triggered") and state == "success" for rid, state in runs["publish_dq_reports"]):
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
    assert codes == _expected_clean_codes()
    assert extracted == checked >= DOSSIERS  # every extracted row validated, in however many runs
    assert list((home / "kho" / "reports").glob("*/vi/index.html"))

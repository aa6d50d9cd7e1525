"""``kho stack up | down | status``: the production-shaped stack of docker-compose.yml on one machine, without Docker.

Every component is a process of its own, in a session of its own, logging to ``KHO_HOME/stack/logs/``:

- the warehouse, served once by ``kho warehouse serve`` (tasks use it with ``KHO_EMBEDDED_MODE=served``); Airflow's
  metadata lives in the same server, in a database and role of its own (``airflow``);
- Redis (Debian's ``redis-server``), the Celery broker;
- an S3 API server on loopback (moto's server mode) holding the landing bucket, which every worker lands to and
  loads from (``KHO_LANDING_URL=s3://kho-landing/landing``);
- the sandbox source systems (one-stop, documents, population with the communes' civil-status exports, judicial
  records, land registration with its exports, the Plan 02 monitoring with its template files, the feedback
  system, the procedure catalogue), unless
  ``--no-sandboxes``: then the sources configured in the environment are used;
- Airflow 3 with the CeleryExecutor: api-server, scheduler, dag-processor, triggerer and N Celery workers, each
  worker with a working and temporary directory of its own, as if on another host. What they share is what
  hosts share in docker-compose.yml: the warehouse, the bucket, Redis, the metadata database and ``KHO_HOME`` (the
  ``kho-data`` volume: reports, Data Docs, drop folders).

``stack.json`` records the processes and ports; ``down`` stops every process of every component's session and
leaves none behind. Secrets (the JWT secret, the bucket's key) are generated once into ``stack/secrets.json``
(mode 600) and reach the components through their environment only.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from kho.core.settings import PROJECT_ROOT, KhoSettings
from kho.processes import alive, free_port, log_says, start_detached, stop_sessions, wait_for

BIN = Path(sys.executable).parent
BUCKET = "kho-landing"
AIRFLOW_DB = "airflow"
ADMIN = "admin"


class StackError(RuntimeError):
    pass


@dataclass
class StackState:
    home: str
    api_port: int
    redis_port: int
    s3_port: int | None
    workers: int
    sandboxes: bool
    started_at: float = field(default_factory=time.time)
    pids: dict[str, int] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)

    @property
    def dir(self) -> Path:
        return Path(self.home) / "stack"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def log(self, name: str) -> Path:
        return self.dir / "logs" / f"{name}.log"

    def save(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "stack.json").write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, settings: KhoSettings) -> StackState | None:
        path = settings.home / "stack" / "stack.json"
        return cls(**json.loads(path.read_text())) if path.exists() else None


def redis_server() -> str:
    """Debian's redis-server, installed (like Chromium for the tests) when missing."""
    found = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists()
                                              else None)
    if found:
        return found
    if not shutil.which("apt-get"):
        raise StackError("redis-server is not installed and there is no apt-get: install Redis 7 and retry")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "RUNLEVEL": "1"}  # RUNLEVEL=1: no system service
    print("installing Debian's redis-server (the Celery broker)…", file=sys.stderr, flush=True)
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                                               "redis-server"]):
        done = subprocess.run([*sudo, *cmd], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise StackError(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")
    return "/usr/bin/redis-server"


def _secrets(stack_dir: Path) -> dict[str, str]:
    path = stack_dir / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    values = {"jwt_secret": secrets.token_urlsafe(32), "api_secret_key": secrets.token_urlsafe(32),
              "s3_access_key": "kho-stack", "s3_secret_key": secrets.token_urlsafe(24)}
    stack_dir.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(values))
    return values


def _metadata_urls(settings: KhoSettings) -> tuple[str, str]:
    """Airflow's metadata database in the served warehouse's server, over its unix socket (trust: no password):
    the SQLAlchemy URL for psycopg2 and for psycopg's async driver (Airflow would derive asyncpg, not installed)."""
    from kho.core.warehouse import Warehouse

    wh = Warehouse.served(settings)
    where = f"{AIRFLOW_DB}@/{AIRFLOW_DB}?host={wh.host}&port={wh.port}"
    return f"postgresql+psycopg2://{where}", f"postgresql+psycopg_async://{where}"


def _create_metadata_db(settings: KhoSettings) -> None:
    import psycopg
    from psycopg import sql

    from kho.core.warehouse import Warehouse

    wh = Warehouse.served(settings)
    with psycopg.connect(host=wh.host, port=wh.port, user="postgres", dbname="postgres", autocommit=True) as conn:
        if not conn.execute("select 1 from pg_roles where rolname = %s", (AIRFLOW_DB,)).fetchone():
            conn.execute(sql.SQL("create role {} login").format(sql.Identifier(AIRFLOW_DB)))
        if not conn.execute("select 1 from pg_database where datname = %s", (AIRFLOW_DB,)).fetchone():
            conn.execute(sql.SQL("create database {} owner {}").format(sql.Identifier(AIRFLOW_DB),
                                                                     sql.Identifier(AIRFLOW_DB)))


def component_env(settings: KhoSettings, state: StackState, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment every component of the stack runs with: the user's own KHO_* settings, overridden where the
    stack decides (served warehouse, bucket, Celery, the metadata database)."""
    keys = _secrets(state.dir)
    airflow_home = state.dir / "airflow"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update({
        "KHO_HOME": str(settings.home), "KHO_EMBEDDED_MODE": "served", "KHO_AUTO_MIGRATE": "false",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "DO_NOT_TRACK": "1", "PYTHONUNBUFFERED": "1",
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__API__PORT": str(state.api_port),
        "AIRFLOW__API__SECRET_KEY": keys["api_secret_key"],
        "AIRFLOW__API_AUTH__JWT_SECRET": keys["jwt_secret"],
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{state.api_url}/execution/",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(state.dir / "passwords.json"),
        "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{state.redis_port}/0",
        "AIRFLOW__COSMOS__CACHE_DIR": str(airflow_home / "cosmos_cache"),
        "AIRFLOW__COSMOS__ENABLE_CACHE_DBT_LS": "False",
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(state.ports["trigger-logs"]),
        # a worker lost with its host: its tasks are failed (and retried elsewhere) after a minute without heartbeat
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": os.environ.get(
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT", "60"),
    })
    if state.s3_port:
        env.update({"KHO_LANDING_URL": f"s3://{BUCKET}/landing",
                    "KHO_S3_ENDPOINT_URL": f"http://127.0.0.1:{state.s3_port}",
                    "AWS_ACCESS_KEY_ID": keys["s3_access_key"], "AWS_SECRET_ACCESS_KEY": keys["s3_secret_key"]})
    if state.sandboxes:
        env.update({"KHO_ONESTOP_URL": f"http://127.0.0.1:{state.ports['sandbox-onestop']}",
                    "KHO_DOCUMENTS_URL": f"http://127.0.0.1:{state.ports['sandbox-documents']}",
                    "KHO_POPULATION_URL": f"http://127.0.0.1:{state.ports['sandbox-population']}",
                    "KHO_JUDICIAL_URL": f"http://127.0.0.1:{state.ports['sandbox-judicial']}",
                    "KHO_LAND_URL": f"http://127.0.0.1:{state.ports['sandbox-land']}",
                    "KHO_LAND_DROP_FOLDER": str(settings.home / "drop" / "land"),
                    "KHO_READINESS_URL": f"http://127.0.0.1:{state.ports['sandbox-readiness']}",
                    "KHO_FEEDBACK_URL": f"http://127.0.0.1:{state.ports['sandbox-feedback']}",
                    "KHO_CATALOGUE_URL": f"http://127.0.0.1:{state.ports['sandbox-catalogue']}"})
    if "warehouse" in state.pids:  # known once the warehouse is served
        sync, async_ = _metadata_urls(settings)
        env.update({"AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sync, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": async_,
                    "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{sync}"})
    env.update(extra or {})
    return env


def _worker_names(state: StackState) -> list[str]:
    return [f"worker-{i}" for i in range(1, state.workers + 1)]


def running(state: StackState) -> dict[str, bool]:
    return {name: alive(pid) for name, pid in state.pids.items()}


def up(settings: KhoSettings, api_port: int = 8080, workers: int = 2, sandboxes: bool = True,
       progress=print) -> StackState:
    """Start every component (or what is not running of a stack already up); returns the stack's state."""
    old = StackState.load(settings)
    if old and all(running(old).values()) and old.pids:
        progress(f"the stack is already up ({len(old.pids)} processes)")
        return old
    if old and any(running(old).values()):
        raise StackError("part of a stack is still running: `kho stack down` first")
    redis = redis_server()
    s3 = shutil.which("moto_server", path=str(BIN))
    state = StackState(home=str(settings.home.resolve()), api_port=api_port, redis_port=free_port(),
                       s3_port=free_port() if s3 else None, workers=workers, sandboxes=sandboxes)
    if not s3:
        progress("no S3 API server (moto) in this environment: the landing zone stays a local folder")
    # every port chosen once, here: the components' environment is derived from the state, never changes it
    names = ["trigger-logs", *(f"{w}-logs" for w in _worker_names(state))]
    if sandboxes:
        names += ["sandbox-onestop", "sandbox-documents", "sandbox-population", "sandbox-judicial",
                  "sandbox-land", "sandbox-readiness", "sandbox-feedback", "sandbox-catalogue"]
    state.ports.update({n: free_port() for n in names})
    settings = settings.model_copy(update={"home": Path(state.home)})
    try:
        _up(settings, state, redis, s3, progress)
    except BaseException:
        state.save()
        down(settings, progress=lambda _m: None)
        raise
    state.save()
    return state


def _start(settings: KhoSettings, state: StackState, name: str, argv: list[str], ready=None, timeout: float = 120,
           cwd: Path | None = None, extra: dict[str, str] | None = None, progress=print,
           wait: bool = True) -> Callable[[], None]:
    """Start a component; with ``wait``, return once it is ready, else return what waits for it (components that
    do not depend on each other start together: each Airflow process spends seconds importing)."""
    log = state.log(name)
    proc = start_detached(argv, log, component_env(settings, state, extra), cwd or state.dir)
    state.pids[name] = proc.pid
    state.save()

    def until_ready() -> None:
        if ready is not None:
            try:
                wait_for(ready if callable(ready) else log_says(log, ready), name, timeout, proc.pid, log)
            except RuntimeError as e:
                raise StackError(str(e)) from e
        progress(f"  {name:<18} pid {proc.pid}")

    if wait:
        until_ready()
    return until_ready


def _up(settings: KhoSettings, state: StackState, redis: str, s3: str | None, progress) -> None:
    progress(f"starting the stack under {state.dir} (logs in {state.dir / 'logs'})")
    _start(settings, state, "warehouse", [str(BIN / "kho"), "warehouse", "serve"], "warehouse up", 180,
           extra={"KHO_AUTO_MIGRATE": "true"}, progress=progress)  # the one process that migrates
    _create_metadata_db(settings)
    (state.dir / "redis").mkdir(parents=True, exist_ok=True)
    _start(settings, state, "redis", [redis, "--port", str(state.redis_port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(state.dir / "redis")],
           "Ready to accept connections", progress=progress)
    if s3:
        _start(settings, state, "object-store", [s3, "-H", "127.0.0.1", "-p", str(state.s3_port)],
               lambda: _answers(f"http://127.0.0.1:{state.s3_port}/"), progress=progress)
        _create_bucket(settings, state)
    if state.sandboxes:
        py = sys.executable
        sandboxes = [
            ("sandbox-onestop", [], "sandbox one-stop system"),
            ("sandbox-documents", [], "sandbox document axis"),
            ("sandbox-population", ["--write-exports", str(settings.civil_status_folder)],
             "sandbox population service"),
            ("sandbox-judicial", [], "sandbox judicial-record system"),
            ("sandbox-land", ["--write-exports", str(settings.home / "drop" / "land")],
             "sandbox land-registration system"),
            ("sandbox-readiness", ["--write-files", str(settings.readiness_folder)],
             "sandbox Plan 02 monitoring system"),
            ("sandbox-feedback", [], "sandbox feedback system"),
            ("sandbox-catalogue", [], "sandbox procedure catalogue"),
        ]
        waits = [_start(settings, state, name, [py, "-m", name.replace("-", "."), "--port", str(state.ports[name]),
                                                *args], banner, progress=progress, wait=False)
                 for name, args, banner in sandboxes]
        for until_ready in waits:
            until_ready()
    env = component_env(settings, state)
    steps = {" ".join(step): subprocess.Popen([str(BIN / step[0]), *step[1:]], env=env, cwd=state.dir, text=True,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for step in (["airflow", "db", "migrate"], ["kho", "dbt-manifest"])}  # independent: together
    for step, proc in steps.items():
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise StackError(f"{step} failed: {err[-3000:]}")
        progress(f"  {step:<18} done")
    airflow = str(BIN / "airflow")
    waits = [_start(settings, state, "api-server", [airflow, "api-server", "--port", str(state.api_port)],
                    lambda: _answers(f"{state.api_url}/api/v2/monitor/health"), 240, progress=progress, wait=False)]
    waits += [_start(settings, state, name, [airflow, name], progress=progress, wait=False)
              for name in ("scheduler", "dag-processor", "triggerer")]
    for i, name in enumerate(_worker_names(state), start=1):
        workdir = state.dir / "workers" / name
        (workdir / "tmp").mkdir(parents=True, exist_ok=True)
        log_port = state.ports[f"{name}-logs"]
        waits.append(_start(
            settings, state, name,
            [airflow, "celery", "worker", "--celery-hostname", f"{name}@%h", "--concurrency", "2",
             "--without-gossip", "--without-mingle"],
            " ready.", 240, cwd=workdir,
            extra={"TMPDIR": str(workdir / "tmp"), "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(log_port),
                   "KHO_WORKER": str(i)}, progress=progress, wait=False))
    for until_ready in waits:
        until_ready()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code < 500
    except httpx.HTTPError:
        return False


def _create_bucket(settings: KhoSettings, state: StackState) -> None:
    from pyarrow import fs

    keys = _secrets(state.dir)
    s3 = fs.S3FileSystem(access_key=keys["s3_access_key"], secret_key=keys["s3_secret_key"],
                         endpoint_override=f"http://127.0.0.1:{state.s3_port}", region=settings.s3_region,
                         allow_bucket_creation=True)
    s3.create_dir(BUCKET)


def airflow_command(settings: KhoSettings, args: list[str]) -> tuple[list[str], dict[str, str]]:
    """argv and environment of an ``airflow`` CLI call against the running stack."""
    state = StackState.load(settings)
    if state is None or not state.pids.get("warehouse") or not alive(state.pids["warehouse"]):
        raise StackError("no stack is running here: `kho stack up` first")
    return [str(BIN / "airflow"), *args], component_env(settings.model_copy(update={"home": Path(state.home)}),
                                                        state)


def admin_login(state: StackState) -> tuple[str, str]:
    """The UI login: Airflow's simple auth manager writes the admin password it generated into passwords.json."""
    path = state.dir / "passwords.json"
    passwords = json.loads(path.read_text()) if path.exists() else {}
    return ADMIN, passwords.get(ADMIN, "(not yet written: see logs/api-server.log)")


def down(settings: KhoSettings, progress=print) -> int:
    """Stop every process of every component's session, the warehouse last; returns how many processes needed
    SIGKILL."""
    state = StackState.load(settings)
    if state is None:
        progress("no stack under " + str(settings.home / "stack"))
        return 0
    # everything but the warehouse at once (a Celery worker ends its running tasks on the first SIGTERM, or is
    # killed after the grace period), then the warehouse, whose SIGTERM stops the PostgreSQL server cleanly
    others = {name: pid for name, pid in state.pids.items() if name != "warehouse"}
    up_before = [name for name, pid in state.pids.items() if alive(pid)]
    killed = stop_sessions(list(others.values()), grace=30)
    if "warehouse" in state.pids:
        killed += stop_sessions([state.pids["warehouse"]], grace=60)
    progress(f"  stopped {', '.join(up_before) or 'nothing (no process was running)'}")
    state.pids.clear()
    state.save()
    return killed


def status(settings: KhoSettings) -> list[tuple[str, str, str]]:
    """(component, pid, what it is doing) for every component of the stack."""
    state = StackState.load(settings)
    if state is None:
        return []
    rows = []
    for name, pid in state.pids.items():
        rows.append((name, str(pid), "running" if alive(pid) else "[red]not running[/]"))
    if state.pids:
        rows.append(("ui", "", f"{state.api_url} ({'answering' if _answers(state.api_url) else 'not answering'})"))
    return rows

"""Test session: a throwaway KHO_HOME and AIRFLOW_HOME, one embedded PostgreSQL for the session (stopped at the
end) that also takes password logins on a loopback port, a pseudonym key of the session's own (the development
default is public), and the sandboxes on loopback."""

from __future__ import annotations

import inspect
import os
import random
import secrets
import shutil
import socket
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

_HOME = Path(tempfile.mkdtemp(prefix="kho-test-"))
os.environ["KHO_HOME"] = str(_HOME)
os.environ["AIRFLOW_HOME"] = str(_HOME / "airflow")
os.environ["KHO_PSEUDONYM_KEY"] = "test-" + secrets.token_urlsafe(24)
# dbt.log with every statement dbt ran (Kho's default is info): tests read what SQL ran from it (the models' session
# settings) and scan it for secrets
os.environ["DBT_LOG_LEVEL_FILE"] = "debug"


def _port_below_the_ephemeral_range() -> int:
    """A free loopback port below the kernel's ephemeral range, for the embedded server, which may start minutes
    after it is chosen (a worker's first module may be the stack test). Ports given out for port 0 (every sandbox
    and stack component, kho.processes.free_port) and the source ports of outgoing connections come from that range,
    where a port chosen with port 0 was once found taken when the server started, after the stack test (`pg_ctl
    restart`: could not start server; every test of that worker on the warehouse then errored)."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    candidates = range(10000, low)
    for port in random.sample(candidates, min(200, len(candidates))):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    from kho.processes import free_port

    return free_port()


os.environ["KHO_EMBEDDED_PORT"] = str(_port_below_the_ephemeral_range())

from kho import airflow_env  # noqa: E402
from kho.core.settings import KhoSettings, get_settings  # noqa: E402

get_settings.cache_clear()
airflow_env.configure(get_settings())


@pytest.fixture(scope="session")
def settings() -> KhoSettings:
    return get_settings()


@pytest.fixture(scope="session")
def warehouse(settings):
    from kho.core.warehouse import Warehouse

    wh = Warehouse.open(settings)
    yield wh
    wh.close()


def warehouse_schemas() -> str:
    """Every schema the bootstrap and dbt create: each registered source's raw schema, then the rest."""
    from kho.core.sources import registered_sources

    raw = [s.raw_schema for s in registered_sources().values()]
    return ", ".join([*raw, "raw_population", "dq", "kho", "kho_work", "security", "staging", "staging_restricted",
                      "intermediate", "marts", "reference"])


@pytest.fixture
def fresh_schema(warehouse):
    """Empty the landing-side tables (and marts) so a test sees only its own batches."""
    with warehouse.connect() as conn:
        conn.execute(f"drop schema if exists {warehouse_schemas()} cascade")
    warehouse.bootstrap()
    return warehouse


@pytest.fixture
def make_sandbox():
    from sandbox.onestop.generator import SandboxConfig
    from sandbox.onestop.server import SandboxOneStop, SandboxServer

    servers = []

    def start(**config):
        faults = {k: config.pop(k) for k in list(config) if k in inspect.signature(SandboxOneStop).parameters}
        app = SandboxOneStop(SandboxConfig(**config), **faults)
        srv = SandboxServer(app).__enter__()
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.__exit__(None, None, None)


@pytest.fixture(scope="session")
def pipeline_sandboxes(tmp_path_factory):
    """The one-stop system, document axis, civil-status drop folder and population service the e2e runs read."""
    from sandbox.catalogue.generator import CatalogueRegistry
    from sandbox.catalogue.server import CatalogueServer, CatalogueService
    from sandbox.civil_status.exports import write_exports
    from sandbox.civil_status.generator import Registry
    from sandbox.documents.server import DocumentServer, SandboxDocumentSystem
    from sandbox.feedback.generator import FeedbackRegistry
    from sandbox.feedback.server import FeedbackServer, FeedbackService
    from sandbox.judicial.generator import JudicialRegistry
    from sandbox.judicial.server import JudicialServer, JudicialService
    from sandbox.land.generator import LandRegistry
    from sandbox.land.server import LandServer, LandService
    from sandbox.onestop.generator import SandboxConfig
    from sandbox.onestop.server import SandboxOneStop, SandboxServer
    from sandbox.population.server import Faults, PopulationServer, PopulationService
    from sandbox.readiness.generator import ReadinessReturns
    from sandbox.readiness.server import ReadinessServer, ReadinessService

    app = SandboxOneStop(SandboxConfig(dossiers=3000, dirty_share=0.05))
    axis = SandboxDocumentSystem(app.dossiers)
    clock = app.dossiers.default_clock - 15 * 86400  # mid-June: the last month is still running
    app.set_clock(clock)
    axis.set_clock(clock)
    registry = Registry(app.dossiers)
    drop = tmp_path_factory.mktemp("civil_status")
    until = (datetime(1970, 1, 1) + timedelta(seconds=clock)).date()
    write_exports(registry, drop, until)
    # stalls twice the client's timeout: a request answered slowly by a loaded machine is not taken for a stall
    people = PopulationService(registry, faults=Faults(outage_after=500, outage_seconds=1.5, stall_seconds=2.0))
    # the judicial link: an outage on the 4th request (longer than two retries), 5xx, 429 and stalls
    judicial = JudicialService(JudicialRegistry(app.dossiers), clock=clock,
                               faults=Faults(outage_after=4, outage_seconds=1.2, stall_seconds=2.0, error_share=0.05,
                                             throttle_share=0.02, stall_share=0.03))
    # the land system: its monthly exports in a drop folder, and its API (a stall and a few 5xx)
    land = LandService(LandRegistry(app.dossiers), clock=clock, faults=Faults(stall_share=0.05, stall_seconds=1.0,
                                                                              error_share=0.05))
    land_drop = tmp_path_factory.mktemp("land")
    land.registry.write_exports(land_drop, clock)
    # the Plan 02 monitoring system: most communes' returns from its API (5xx, a stall), the others' template files
    readiness = ReadinessService(ReadinessReturns(app.dossiers), clock=clock,
                                 faults=Faults(stall_share=0.05, stall_seconds=1.0, error_share=0.05))
    readiness_drop = tmp_path_factory.mktemp("readiness")
    readiness.registry.write_files(readiness_drop, clock)
    # the feedback system: citizens' feedback and dossier ratings from its two listings (5xx, a stall)
    feedback = FeedbackService(FeedbackRegistry(app.dossiers), clock=clock,
                               faults=Faults(stall_share=0.05, stall_seconds=1.0, error_share=0.05))
    # the procedure catalogue: its API (5xx, a stall), and the province's export of two months earlier in a drop
    # folder (older versions of the same procedures: staging keeps the latest)
    catalogue = CatalogueService(CatalogueRegistry(app.dossiers), clock=clock,
                                 faults=Faults(stall_share=0.05, stall_seconds=1.0, error_share=0.05))
    catalogue_drop = tmp_path_factory.mktemp("catalogue")
    catalogue.registry.write_export(catalogue_drop, clock - 60 * 86400)
    with (SandboxServer(app) as srv, DocumentServer(axis) as srv.axis, PopulationServer(people) as srv.people,
          JudicialServer(judicial) as srv.judicial, LandServer(land) as srv.land,
          ReadinessServer(readiness) as srv.readiness, FeedbackServer(feedback) as srv.feedback,
          CatalogueServer(catalogue) as srv.catalogue):
        srv.registry, srv.drop, srv.until, srv.clock, srv.land_drop = registry, drop, until, clock, land_drop
        srv.readiness_drop, srv.catalogue_drop = readiness_drop, catalogue_drop
        yield srv


@pytest.fixture(scope="session")
def pipeline_run(warehouse, pipeline_sandboxes):
    """Every DAG once under dag.test() on an emptied warehouse, the transform as one `dbt build` task
    (KHO_TRANSFORM_TASKS=single); shared by the e2e and security modules."""
    from pipeline_runs import run_pipeline

    airflow_env.migrate()
    srv = pipeline_sandboxes
    os.environ["KHO_ONESTOP_URL"] = srv.url
    os.environ["KHO_DOCUMENTS_URL"] = srv.axis.url
    os.environ["KHO_POPULATION_URL"] = srv.people.url
    os.environ["KHO_CIVIL_STATUS_DROP_FOLDER"] = str(srv.drop)
    # a second: an answer the loaded machine delays (the sandboxes share this process's GIL with the DAG runs) is
    # still an answer; the stalls above last two
    os.environ["KHO_POPULATION_TIMEOUT_SECONDS"] = "1.0"
    os.environ["KHO_POPULATION_BREAKER_RESET_SECONDS"] = "1"
    os.environ["KHO_JUDICIAL_URL"] = srv.judicial.url
    os.environ["KHO_JUDICIAL_PAGE_SIZE"] = "20"  # several pages: the outage falls inside the listing
    os.environ["KHO_JUDICIAL_TIMEOUT_SECONDS"] = "1.0"
    os.environ["KHO_JUDICIAL_BACKOFF_SECONDS"] = "0.2"
    # the transform as one `dbt build` task: a Cosmos task per model costs ~2.5 more minutes of the suite's 15
    # (~140 task starts on 2 cores); the per-model DAG's structure and fields are held in test_dags.py
    os.environ["KHO_TRANSFORM_TASKS"] = "single"
    os.environ["KHO_LAND_URL"] = srv.land.url
    os.environ["KHO_LAND_DROP_FOLDER"] = str(srv.land_drop)
    os.environ["KHO_LAND_PAGE_SIZE"] = "50"
    os.environ["KHO_LAND_TIMEOUT_SECONDS"] = "0.5"
    os.environ["KHO_LAND_BACKOFF_SECONDS"] = "0.2"
    os.environ["KHO_READINESS_URL"] = srv.readiness.url
    os.environ["KHO_READINESS_DROP_FOLDER"] = str(srv.readiness_drop)
    os.environ["KHO_READINESS_PAGE_SIZE"] = "100"
    os.environ["KHO_READINESS_TIMEOUT_SECONDS"] = "0.5"
    os.environ["KHO_READINESS_BACKOFF_SECONDS"] = "0.2"
    os.environ["KHO_FEEDBACK_URL"] = srv.feedback.url
    os.environ["KHO_FEEDBACK_PAGE_SIZE"] = "50"
    os.environ["KHO_FEEDBACK_TIMEOUT_SECONDS"] = "0.5"
    os.environ["KHO_FEEDBACK_BACKOFF_SECONDS"] = "0.2"
    os.environ["KHO_CATALOGUE_URL"] = srv.catalogue.url
    os.environ["KHO_CATALOGUE_DROP_FOLDER"] = str(srv.catalogue_drop)
    os.environ["KHO_CATALOGUE_PAGE_SIZE"] = "5"
    os.environ["KHO_CATALOGUE_TIMEOUT_SECONDS"] = "0.5"
    os.environ["KHO_CATALOGUE_BACKOFF_SECONDS"] = "0.2"
    get_settings.cache_clear()
    with warehouse.connect() as conn:
        conn.execute(f"drop schema if exists {warehouse_schemas()} cascade")
    warehouse.bootstrap()
    dags = airflow_env.load_dags()
    run_pipeline(dags)
    return dags, srv


SERVER_FIXTURES = {"warehouse", "fresh_schema", "pipeline_run", "pipeline_sandboxes"}


# the longest modules outside the shared e2e run, started first so that no worker is left with them at the end
LONG_FIRST = ("test_stack.py", "test_bench.py")


# modules on the shared e2e run: one unit of work under xdist (tests/conftest.py: pytest_xdist_make_scheduler)
SHARED_RUN_MODULES = frozenset(p.name for p in Path(__file__).parent.glob("test_*.py")
                               if "pipeline_run" in p.read_text(encoding="utf-8"))


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist (scripts/test.sh: ``-n 2``), whole modules go to a worker, and the modules on the shared
    e2e run all to one: each worker has a warehouse and an e2e run of its own, and the tests that change the run
    must come after those that read it. (xdist's ``loadgroup`` does not group under pytest 9.2: the suffix it adds
    to a node id no longer reaches the id.) Work goes out in collection order (``--no-loadscope-reorder`` in
    scripts/test.sh): the e2e modules, then the longest others."""
    from xdist.scheduler import LoadScopeScheduling

    class SharedRunScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "shared e2e run" if Path(module).name in SHARED_RUN_MODULES else module

    return SharedRunScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    """Tests on the shared e2e warehouse (``pipeline_run``) run first, together: a test that empties the warehouse
    (``fresh_schema``) would otherwise wipe it under a later e2e module. Among them, those that change the shared
    run (``@pytest.mark.changes_pipeline_run(n)``: a backfill, the sandbox's clock moved a month) come after every
    test that reads it, in the order ``n`` gives, wherever their module and line put them. Tests that need no
    PostgreSQL, Airflow run or other process are the fast lane (``-m fast``)."""

    def order(item) -> tuple[int, int]:
        if "pipeline_run" not in getattr(item, "fixturenames", ()):
            name = item.path.name
            return (2, LONG_FIRST.index(name) if name in LONG_FIRST else len(LONG_FIRST))
        step = item.get_closest_marker("changes_pipeline_run")
        return (1, step.args[0]) if step else (0, 0)  # the tests that re-run or move the clock last, in their order

    items.sort(key=order)
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if not fixtures & SERVER_FIXTURES and not item.get_closest_marker("integration") \
                and not item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.fast)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_HOME, ignore_errors=True)

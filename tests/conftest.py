"""Test session: a throwaway KHO_HOME and AIRFLOW_HOME, one embedded PostgreSQL for the session (stopped at the
end), and sandbox one-stop systems on loopback."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_HOME = Path(tempfile.mkdtemp(prefix="kho-test-"))
os.environ["KHO_HOME"] = str(_HOME)
os.environ["AIRFLOW_HOME"] = str(_HOME / "airflow")

from kho import airflow_env  # noqa: E402
from kho.settings import KhoSettings, get_settings  # noqa: E402

get_settings.cache_clear()
airflow_env.configure(get_settings())


@pytest.fixture(scope="session")
def settings() -> KhoSettings:
    return get_settings()


@pytest.fixture(scope="session")
def warehouse(settings):
    from kho.warehouse import Warehouse

    wh = Warehouse.open(settings)
    yield wh
    wh.close()


@pytest.fixture
def fresh_schema(warehouse):
    """Empty the landing-side tables (and marts) so a test sees only its own batches."""
    with warehouse.connect() as conn:
        conn.execute("drop schema if exists raw_onestop, raw_documents, raw_civil_status, raw_population, dq, kho, "
                     "kho_work, security, staging, intermediate, marts, reference cascade")
    warehouse.bootstrap()
    return warehouse


@pytest.fixture
def make_sandbox():
    from sandbox.onestop.generator import SandboxConfig
    from sandbox.onestop.server import SandboxOneStop, SandboxServer

    servers = []

    def start(**config):
        fail_every = config.pop("fail_every", 0)
        app = SandboxOneStop(SandboxConfig(**config), fail_every=fail_every)
        srv = SandboxServer(app).__enter__()
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.__exit__(None, None, None)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_HOME, ignore_errors=True)

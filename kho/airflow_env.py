"""In-process Airflow for the embedded default: a project-local AIRFLOW_HOME with SQLite metadata.

Must run before ``airflow`` is imported. A real deployment sets these through its own configuration instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kho.core.settings import PROJECT_ROOT, KhoSettings

DAGS_FOLDER = PROJECT_ROOT / "dags"


def configure(settings: KhoSettings, airflow_home: Path | None = None) -> Path:
    home = airflow_home or settings.airflow_home
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__COSMOS__CACHE_DIR": str(home / "cosmos_cache"),
        "AIRFLOW__COSMOS__ENABLE_CACHE_DBT_LS": "False",
        "DO_NOT_TRACK": "1",
    }
    for k, v in env.items():
        os.environ.setdefault(k, v)
    # Cosmos looks for a `dbt` executable on PATH even when it runs dbt in-process
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    return home


_MIGRATED: set[str] = set()


def migrate() -> None:
    """Create or upgrade the metadata database (idempotent); once per process and database (a check that finds it
    current still costs ~13 CPU-seconds of imports)."""
    database = os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN") or os.environ.get("AIRFLOW_HOME", "")
    if database in _MIGRATED:
        return
    subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    _MIGRATED.add(database)


def load_dags() -> dict:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    return bag.dags

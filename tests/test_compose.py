"""docker-compose.yml stays valid and in step with the code (no Docker engine needed to check it)."""

from pathlib import Path

import yaml

from kho.core.settings import KhoSettings

ROOT = Path(__file__).resolve().parent.parent
DBT_ENV = {"KHO_PG_HOST", "KHO_PG_PORT", "KHO_PG_USER", "KHO_PG_PASSWORD", "KHO_PG_DBNAME"}


def test_compose_has_the_production_components_and_only_known_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name in ("warehouse", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
                 "airflow-triggerer", "airflow-worker"):
        assert name in services, name
    commands = {s.get("command") for s in services.values()}
    assert {"airflow api-server", "airflow scheduler", "airflow dag-processor", "airflow triggerer",
            "airflow celery worker"} <= commands
    known = {f"KHO_{f.upper()}" for f in KhoSettings.model_fields} | DBT_ENV
    env = services["airflow-scheduler"]["environment"]
    unknown = {k for k in env if k.startswith("KHO_")} - known
    assert not unknown, f"compose sets KHO_ variables the code does not read: {unknown}"
    profiles = (ROOT / "dbt_project" / "profiles.yml").read_text()
    assert all(v in profiles for v in DBT_ENV)

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
                 "airflow-triggerer", "airflow-worker", "minio", "minio-init", "kho-migrate"):
        assert name in services, name
    commands = {str(s.get("command")) for s in services.values()}
    assert {"airflow api-server", "airflow scheduler", "airflow dag-processor", "airflow triggerer",
            "airflow celery worker"} <= commands
    known = {f"KHO_{f.upper()}" for f in KhoSettings.model_fields} | DBT_ENV
    env = services["airflow-scheduler"]["environment"]
    unknown = {k for k in env if k.startswith("KHO_")} - known
    assert not unknown, f"compose sets KHO_ variables the code does not read: {unknown}"
    # the landing zone is the shared bucket, and the schema is migrated once, before any task starts
    assert env["KHO_LANDING_URL"].startswith("s3://") and env["KHO_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert env["KHO_AUTO_MIGRATE"] == "false" and services["kho-migrate"]["command"] == "kho migrate"
    for name in ("airflow-scheduler", "airflow-worker"):
        assert "kho-migrate" in services[name]["depends_on"] and "minio-init" in services[name]["depends_on"]
    profiles = (ROOT / "dbt_project" / "profiles.yml").read_text()
    assert all(v in profiles for v in DBT_ENV)

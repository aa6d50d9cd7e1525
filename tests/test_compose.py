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


def test_compose_metadata_database_urls_use_drivers_the_image_has():
    """Airflow builds a sync and an async engine on its metadata database; left to itself it derives asyncpg (not a
    dependency) from the sync URL, and every component fails at start. Both URLs must name installed drivers."""
    import importlib

    from sqlalchemy.engine import make_url

    env = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["airflow-scheduler"]["environment"]
    for key in ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC"):
        url = make_url(env[key])
        dbapi = url.get_dialect().import_dbapi()  # raises ImportError when the driver is not installed
        assert dbapi is not None and url.database == "airflow", key
    assert make_url(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC"]).get_dialect().is_async
    # the workers' executor module imports with the Celery installed (celery 5.7 dropped a name it imports)
    assert importlib.import_module("airflow.providers.celery.executors.celery_executor_utils").DatabaseBackend

# Image for the production-shaped stack in docker-compose.yml: Kho + Airflow 3 + dbt + GX, from the lockfile.
FROM python:3.11-slim
ENV UV_PROJECT_ENVIRONMENT=/opt/kho/.venv PATH=/opt/kho/.venv/bin:$PATH \
    AIRFLOW_HOME=/opt/airflow AIRFLOW__CORE__DAGS_FOLDER=/opt/kho/dags DO_NOT_TRACK=1
WORKDIR /opt/kho
RUN pip install --no-cache-dir uv
COPY pyproject.toml uv.lock README.md ./
COPY kho kho
COPY connectors connectors
COPY sandbox sandbox
COPY expectations expectations
COPY reference_data reference_data
RUN uv sync --frozen --no-dev --compile-bytecode
COPY dags dags
COPY dbt_project dbt_project
# the manifest the transform DAG is rendered from, built once here: DAG parsing runs no dbt command
RUN kho dbt-manifest

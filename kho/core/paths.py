"""Where the project's own files are (the dbt project, the DAGs, the seeds): a module with no imports, so that a
process that needs only the path (a chart worker) does not load the settings' pydantic models to get it."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

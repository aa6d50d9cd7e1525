"""One Airflow extract DAG per registered source (``connectors/<name>/source.py``): ``extract_onestop``,
``extract_documents``, ``extract_civil_status``, and any source added later, without editing this file.

Each runs extract and land → load (raw rows, batch record and watermark in one transaction) → validate (GX suites,
failing rows quarantined) → a closing summary; its validated Asset schedules ``transform_warehouse``. (The word
"Airflow" above also lets the dag-processor's safe mode pick this file up.)
"""

from __future__ import annotations

from kho.assets import extract_dag
from kho.core.sources import registered_sources

for _source in registered_sources().values():
    globals()[f"extract_{_source.name}"] = extract_dag(_source)

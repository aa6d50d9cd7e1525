"""The provincial Plan 02 monitoring: the communes' readiness returns from its API by sending time, and the
province's template files (XLSX/CSV) that communes without the system drop in a folder."""

from __future__ import annotations

from pathlib import Path

from connectors.listing import listing_client
from connectors.readiness import department_suite, target_suite, task_suite
from connectors.readiness.client import ReadinessClient
from connectors.readiness.schema import COLUMNS, DEPARTMENT_COLUMNS, TARGET_COLUMNS, TASK_COLUMNS
from connectors.readiness.streams import (
    DEPARTMENT_FOLDER,
    DEPARTMENT_STREAM,
    STREAM,
    TARGET_FOLDER,
    TARGET_STREAM,
    TASK_FOLDER,
    TASK_STREAM,
    extract_window,
    import_departments,
    import_folder,
    import_targets,
    import_tasks,
)
from connectors.readiness.suite import suite
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.sources import Source, Stream


def extract(run: ExtractRun) -> list[BatchManifest]:
    """The API's window when one is configured, then the drop folder's new files (``import_path``); the drop folder
    and its subfolders are created when missing, so that a province sees where to put its files."""
    manifests = []
    if run.settings.readiness_url:
        with listing_client(ReadinessClient, run.settings, "readiness", run.link_log("readiness")) as api:
            manifests.append(extract_window(api, run, run.window(STREAM)))
    folder = Path(run.folder or run.settings.readiness_folder)
    for sub in SUBFOLDERS:
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return manifests + import_path(run, folder)


# the subfolders of the drop folder and their readers, the department register first: the batches are validated
# in this order, and the targets' suite accepts a department's code once the register has landed
SUBFOLDERS = {DEPARTMENT_FOLDER: import_departments, TASK_FOLDER: import_tasks, TARGET_FOLDER: import_targets}


def import_path(run: ExtractRun, folder: Path) -> list[BatchManifest]:
    """The communes' template files in ``folder``, and, where the folder has them, the province's department
    register in its ``co_quan/``, the task register's snapshots in its ``nhiem_vu/`` and the province's annual
    targets in its ``chi_tieu/``."""
    return [*(read(run, folder / sub) for sub, read in SUBFOLDERS.items() if (folder / sub).is_dir()),
            import_folder(run, folder)]


SOURCE = Source(
    name="readiness",
    description="Plan 02 readiness returns of the communes sent since the last run (and their template files)",
    streams=(Stream(STREAM, COLUMNS, suite, json_columns=("_extra",), primary_key=("maxa", "kybaocao")),
             Stream(TASK_STREAM, TASK_COLUMNS, task_suite.suite, json_columns=("_extra",),
                    primary_key=("manhiemvu", "ngaycapnhat")),
             Stream(DEPARTMENT_STREAM, DEPARTMENT_COLUMNS, department_suite.suite, json_columns=("_extra",),
                    primary_key=("madonvi", "ngaycapnhat")),
             Stream(TARGET_STREAM, TARGET_COLUMNS, target_suite.suite, json_columns=("_extra",),
                    primary_key=("namkehoach", "madonvi", "phamvi", "chiso", "ngaycapnhat"))),
    extract=extract,
    import_path=import_path,
    settings_prefix="readiness",
    doc="The monitoring system's API is read by sending time with retries (every request recorded in "
        "kho.link_calls); the template files (XLSX/CSV) in `KHO_READINESS_DROP_FOLDER` are read once each by content "
        "hash, a file without the template's field codes refused whole with its rule. A month's return sent again "
        "replaces the earlier one. The province's Plan 02 task register is read from the folder's `nhiem_vu/`, "
        "one snapshot per status date, its annual targets per unit and indicator from `chi_tieu/`, and its register of "
        "departments and agencies (the units dossiers received under their identifiers land on) from `co_quan/`.",
    tags=("plan02",),
)

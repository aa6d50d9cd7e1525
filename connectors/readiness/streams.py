"""The returns stream: from the monitoring system's API by window, and from the province's template files (XLSX or
CSV, ``KH02_<MaXa>_<yyyymm>[_vN].xlsx|csv``) in a drop folder.

Each template file not read before (by content hash) lands with the file, row and hash each row came from. The
header row is found by its field codes (``MaXa`` and ``KyBaoCao`` among the cells), so the title block and the row
of Vietnamese labels above it are skipped; blank rows are not returns. A file with no such header, or that cannot
be read, is refused whole (kept beside the batch with the rule): a file is never half-landed. A month's return sent
again (a correction, by either channel) is a new version: the warehouse keeps the latest one validation lets
through.
"""

from __future__ import annotations

from pathlib import Path

from connectors.drop_files import import_files
from connectors.listing import land_listing
from connectors.readiness.client import ReadinessClient
from connectors.readiness.schema import DEPARTMENTS, TARGETS, TASKS, contract_name, records_to_arrow
from connectors.spreadsheets import FileRejected, read_coded_sheet
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.windows import Window

STREAM = "returns"
TASK_STREAM = "tasks"
TASK_FOLDER = "nhiem_vu"  # the task register's snapshots, in this subfolder of the drop folder
PATTERNS = ("*.xlsx", "*.XLSX", "*.csv", "*.CSV")
HEADER_KEYS = ("MaXa", "KyBaoCao")
TASK_HEADER_KEYS = ("MaNhiemVu", "HanHoanThanh")
TARGET_STREAM = "targets"
TARGET_FOLDER = "chi_tieu"  # the province's annual targets per unit, in this subfolder of the drop folder
TARGET_HEADER_KEYS = ("NamKeHoach", "ChiSo")
DEPARTMENT_STREAM = "departments"
DEPARTMENT_FOLDER = "co_quan"  # the province's register of its departments and agencies, in this subfolder
DEPARTMENT_HEADER_KEYS = ("MaDonVi", "MaDinhDanh")


def extract_window(client: ReadinessClient, run: ExtractRun, window: Window) -> BatchManifest:
    """Extract the returns sent in ``window`` and land them as one batch of ``run``."""
    return land_listing(client, run, STREAM, window, records_to_arrow)


def read_template(path: Path, data: bytes) -> list[dict]:
    """The returns of one template file, every value as text (empty cells as null); refuses the file whole."""
    return read_coded_sheet(path, data, contract_name, HEADER_KEYS, "not_a_readiness_template")


def read_task_register(path: Path, data: bytes) -> list[dict]:
    """The tasks of one snapshot of the Plan 02 task register; refuses the file whole."""
    return read_coded_sheet(path, data, TASKS.name_of, TASK_HEADER_KEYS, "not_a_task_register")


def read_targets(path: Path, data: bytes) -> list[dict]:
    """The targets of one file of the province's annual targets; refuses the file whole."""
    return read_coded_sheet(path, data, TARGETS.name_of, TARGET_HEADER_KEYS, "not_a_target_sheet")


def read_departments(path: Path, data: bytes) -> list[dict]:
    """The units of one file of the province's department register; refuses the file whole."""
    return read_coded_sheet(path, data, DEPARTMENTS.name_of, DEPARTMENT_HEADER_KEYS, "not_a_department_register")


def import_folder(run: ExtractRun, folder: Path) -> BatchManifest:
    """Land every template file in ``folder`` not read before, as one batch; refused files go to ``rejected/``."""
    return import_files(run, folder, STREAM, PATTERNS, read_template, records_to_arrow, (FileRejected,),
                        "readiness return")


def import_targets(run: ExtractRun, folder: Path) -> BatchManifest:
    """Land every file of annual targets in ``folder`` not read before, as one batch."""
    return import_files(run, folder, TARGET_STREAM, PATTERNS, read_targets, TARGETS.to_arrow, (FileRejected,),
                        "target sheet")


def import_tasks(run: ExtractRun, folder: Path) -> BatchManifest:
    """Land every snapshot of the task register in ``folder`` not read before, as one batch."""
    return import_files(run, folder, TASK_STREAM, PATTERNS, read_task_register, TASKS.to_arrow, (FileRejected,),
                        "task register")


def import_departments(run: ExtractRun, folder: Path) -> BatchManifest:
    """Land every file of the department register in ``folder`` not read before, as one batch."""
    return import_files(run, folder, DEPARTMENT_STREAM, PATTERNS, read_departments, DEPARTMENTS.to_arrow,
                        (FileRejected,), "department register")

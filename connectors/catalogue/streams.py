"""The procedure stream: from the catalogue's API by change window, and from the province's exports of the national
procedure database (a JSON array of the same records) in a drop folder.

Each export file not read before (by content hash) lands with the file, the record's position and the hash; a file
that is not UTF-8 JSON, not an array of objects, or has a record without ``code`` is refused whole (kept beside the
batch with the rule): a file is never half-landed. A procedure both in an export and in the API is one procedure:
staging keeps its latest version.
"""

from __future__ import annotations

import json
from pathlib import Path

from connectors.catalogue.schema import PROCEDURES
from connectors.drop_files import FileRejected, import_files
from connectors.listing import ChangeListingClient, land_listing
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.windows import Window

STREAM = "procedures"
PATTERNS = ("*.json", "*.JSON")


def extract_window(client: ChangeListingClient, run: ExtractRun, window: Window) -> BatchManifest:
    """The procedures changed in ``window``, landed as one batch of ``run``."""
    return land_listing(client, run, STREAM, window, PROCEDURES.to_arrow)


def read_export(path: Path, data: bytes) -> list[dict]:
    """The records of one export file, each with its position; refuses the file whole."""
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileRejected("not_json", f"{path.name}: not UTF-8 JSON ({exc})") from exc
    if not isinstance(records, list):
        raise FileRejected("not_a_catalogue_export",
                             f"{path.name}: a {type(records).__name__}, expected an array of procedure records")
    for n, rec in enumerate(records, start=1):
        if not isinstance(rec, dict) or not rec.get("code"):
            raise FileRejected("not_a_catalogue_export",
                                 f"{path.name} record #{n}: expected a procedure object with a code")
    return [{**rec, "_source_row": str(n)} for n, rec in enumerate(records, start=1)]


def import_folder(run: ExtractRun, folder: Path) -> BatchManifest:
    """Land every export in ``folder`` not read before, as one batch; refused files go to ``rejected/``."""
    return import_files(run, folder, STREAM, PATTERNS, read_export, PROCEDURES.to_arrow, (FileRejected,),
                        "procedure catalogue export")

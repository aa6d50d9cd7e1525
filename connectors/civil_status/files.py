"""Read one commune export (CSV or XLSX) into template records, whatever the commune's layout habits.

The header row is found by its keys (``so`` and ``ngayDangKy`` among the cells), so title blocks and merged group
rows above it are skipped; blank rows are not records; the record type read from the header must agree with the
file name. Values stay as written: text as text, an Excel date cell as ``yyyy-mm-dd``, an Excel number without a
trailing ``.0``. A file that cannot be read as an export is refused as a whole with the rule it broke.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from connectors.civil_status.schema import MARKER, TEMPLATE
from connectors.spreadsheets import FileRejected as ExportRejected
from connectors.spreadsheets import find_header, sheet_rows

FILE_NAME = re.compile(r"^HT_(KS|KT|KH)_(\d{5})_(\d{4})(0[1-9]|1[0-2])(?:_.*)?\.(csv|xlsx)$", re.IGNORECASE)


@dataclass(frozen=True)
class ExportFile:
    kind: str
    unit_code: str
    period: str  # yyyymm


def parse_name(path: Path) -> ExportFile:
    m = FILE_NAME.match(path.name)
    if not m:
        raise ExportRejected("file_name", f"{path.name} is not HT_<KS|KT|KH>_<commune code>_<yyyymm>.<csv|xlsx>")
    return ExportFile(m.group(1).upper(), m.group(2), m.group(3) + m.group(4))


def read_export(path: Path, data: bytes) -> tuple[ExportFile, Iterator[tuple[int, dict[str, str], dict[str, str]]]]:
    """The file's declared identity and its records: (row number in the file, template fields, extra fields)."""
    meta = parse_name(path)
    rows = sheet_rows(path, data)
    n, header = find_header(rows, lambda cells: {"so", "ngaydangky"} <= {c.lower() for c in cells},
                            "header_not_found", "the template keys so/ngayDangKy")
    lowered = [h.lower() for h in header]
    kinds = [k for k, marker in MARKER.items() if marker in lowered]
    if kinds != [meta.kind]:
        raise ExportRejected("record_type", f"file name says {meta.kind}, header has the columns of "
                                            f"{'/'.join(kinds) or 'no known type'}")
    known = {c.lower() for c in TEMPLATE[meta.kind]}

    def records() -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
        for row_no, cells in enumerate(rows, start=n + 1):
            if not any(cells):
                continue  # blank row: not a record
            fields, extra = {}, {}
            for key, value in zip(lowered, cells, strict=False):
                if not key:
                    if value:
                        extra[f"_column_{len(extra) + 1}"] = value
                    continue
                if key in known:
                    fields[key] = value or None
                elif value:
                    extra[key] = value
            if len(cells) > len(lowered):
                extra.update({f"_overflow_{i}": v for i, v in enumerate(cells[len(lowered):]) if v})
            yield row_no, fields, extra

    return meta, records()

"""The province's spreadsheets as its offices hand them over: a title, a line under it, a row of Vietnamese labels,
the row of field codes a reader keys on, then the rows."""

from __future__ import annotations

from pathlib import Path


def write_sheet(path: Path, title: str, subtitle: str, labels: tuple[str, ...], fields: tuple[str, ...],
                rows: list[dict]) -> Path:
    from openpyxl import Workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    for line in ([title], [subtitle], list(labels), list(fields)):
        ws.append(line)
    for row in rows:
        ws.append([row[f] for f in fields])
    wb.save(path)
    return path

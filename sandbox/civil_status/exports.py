"""Monthly civil-status exports per commune, written the way communes actually hand them over.

One file per commune, record type and month: ``HT_<KS|KT|KH>_<commune code>_<yyyymm>.<csv|xlsx>``. Each commune
keeps its own habits: CSV or XLSX, a date style (``dd/mm/yyyy``, ``d/m/yyyy``, ``yyyy-mm-dd``, ``dd-mm-yyyy`` or
Excel date cells), a comma or semicolon, a title block above the header (merged cells in XLSX, with a merged group
row over the column keys), blank rows between entries. A correction of an earlier entry goes out in the export of
the month it was made, with the same book and number. A few files are handed over twice under another name.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import shutil
from collections import defaultdict
from datetime import date
from pathlib import Path

from connectors.civil_status.schema import TEMPLATE, TITLES
from sandbox.civil_status.generator import Registration, Registry

DATE_STYLES = ("%d/%m/%Y", "dmy-short", "%Y-%m-%d", "%d-%m-%Y", "excel")
GROUPS = {"nyc": "Người yêu cầu", "nks": "Người được khai sinh", "me": "Mẹ", "cha": "Cha", "nkt": "Người chết",
          "gbt": "Giấy báo tử", "chong": "Chồng", "vo": "Vợ"}


def _habits(unit_code: str) -> dict:
    h = int(hashlib.sha1(unit_code.encode()).hexdigest(), 16)
    xlsx = h % 5 < 3
    style = DATE_STYLES[(h // 5) % len(DATE_STYLES)]
    if not xlsx and style == "excel":
        style = "%d/%m/%Y"
    return {"xlsx": xlsx, "date_style": style, "delimiter": ";" if (h // 50) % 4 == 0 else ",",
            "title": (h // 200) % 3 != 0, "blank_rows": (h // 600) % 2 == 0}


def _fmt(value: object, style: str) -> object:
    if isinstance(value, date):
        if style == "excel":
            return value
        if style == "dmy-short":
            return f"{value.day}/{value.month}/{value.year}"
        return value.strftime(style)
    return value


def _group(column: str) -> str:
    for prefix, label in GROUPS.items():
        if column.startswith(prefix) and column[len(prefix):len(prefix) + 1].isupper():
            return label
    return "Thông tin đăng ký"


def _rows(entries: list[tuple[Registration, dict]], kind: str, style: str) -> list[list[object]]:
    return [[_fmt(fields.get(c, ""), style) for c in TEMPLATE[kind]] for _, fields in entries]


def _write_csv(path: Path, kind: str, title: str | None, rows: list[list[object]], habits: dict) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=habits["delimiter"], lineterminator="\r\n")
    if title:
        w.writerow([title] + [""] * (len(TEMPLATE[kind]) - 1))
        w.writerow([""] * len(TEMPLATE[kind]))
    w.writerow(TEMPLATE[kind])
    for n, row in enumerate(rows):
        w.writerow(row)
        if habits["blank_rows"] and n % 7 == 3:
            w.writerow([""] * len(row))
    path.write_text(buf.getvalue(), encoding="utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM


def _write_xlsx(path: Path, kind: str, title: str | None, rows: list[list[object]], habits: dict) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = kind
    columns = TEMPLATE[kind]
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
        ws.append([])
        groups = [_group(c) for c in columns]
        ws.append(groups)
        row, start = ws.max_row, 0
        for i in range(1, len(groups) + 1):  # merge each run of the same group label
            if i == len(groups) or groups[i] != groups[start]:
                if i - start > 1:
                    ws.merge_cells(start_row=row, start_column=start + 1, end_row=row, end_column=i)
                start = i
    ws.append(list(columns))
    for n, values in enumerate(rows):
        ws.append(values)
        if habits["blank_rows"] and n % 7 == 3:
            ws.append([])
    for cells in ws.iter_rows(min_row=ws.max_row - len(rows), max_row=ws.max_row):
        for cell in cells:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    wb.save(path)


def write_exports(registry: Registry, folder: Path, until: date) -> list[Path]:
    """Write every export of a month that ended before ``until`` into ``folder``; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[tuple[str, str, str], list[tuple[Registration, dict]]] = defaultdict(list)
    names = {}
    for reg in registry.visible(until):
        files[(reg.unit_code, reg.kind, f"{reg.registered_on:%Y%m}")].append((reg, reg.fields))
        names[reg.unit_code] = reg.unit_name
        if reg.correction_sent_by(until):
            files[(reg.unit_code, reg.kind, f"{reg.corrected_on:%Y%m}")].append((reg, reg.current_fields()))
    written = []
    r = random.Random(registry.dossiers.config.seed + 11)
    for (unit, kind, period), entries in sorted(files.items()):
        habits = _habits(unit)
        entries.sort(key=lambda e: (e[0].registered_on, e[0].number, bool(e[0].correction and e[1] is not e[0].fields)))
        title = f"{TITLES[kind]} - {names[unit]} - Tháng {period[4:]}/{period[:4]}" if habits["title"] else None
        rows = _rows(entries, kind, habits["date_style"])
        path = folder / f"HT_{kind}_{unit}_{period}.{'xlsx' if habits['xlsx'] else 'csv'}"
        (_write_xlsx if habits["xlsx"] else _write_csv)(path, kind, title, rows, habits)
        written.append(path)
        if r.random() < registry.config.resent_file_share:  # handed over again: same bytes, another name
            again = path.with_name(f"{path.stem}_gui_lai{path.suffix}")
            shutil.copyfile(path, again)
            written.append(again)
    return written

"""Reading the spreadsheets people hand over (a commune's CSV or XLSX export or template): rows as text cells,
whatever the tool that wrote them. CSV: UTF-8 (with or without BOM), comma or semicolon; XLSX: the first sheet,
streamed (bounded memory); an Excel date cell as ``yyyy-mm-dd``, a whole number without a trailing ``.0``."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

from connectors.drop_files import FileRejected

HEADER_SEARCH_ROWS = 20


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected("encoding", f"not UTF-8 ({exc})") from None
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


def xlsx_rows(path: Path) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)  # streams rows: bounded memory
    except Exception as exc:  # openpyxl raises zipfile/KeyError/ValueError flavours for a broken file
        raise FileRejected("unreadable_xlsx", f"{type(exc).__name__}: {exc}") from None
    try:
        for row in wb.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        wb.close()


def sheet_rows(path: Path, data: bytes) -> Iterator[list[str]]:
    """The rows of a CSV or XLSX file (by its suffix), every cell as text."""
    rows = xlsx_rows(path) if path.suffix.lower() == ".xlsx" else csv_rows(data)
    for raw in rows:
        yield [cell_text(v) for v in raw]


def find_header(rows: Iterator[list[str]], is_header: Callable[[list[str]], bool], rule: str,
                what: str, file: str | None = None) -> tuple[int, list[str]]:
    """The first row ``is_header`` accepts among the first HEADER_SEARCH_ROWS (title blocks, merged group rows and
    label rows above it skipped) and its row number; ``rows`` then goes on below it. No such row: the file (named
    ``file`` in the message when given) is refused with ``rule``; ``what`` says which header was looked for."""
    for n, cells in enumerate(rows, start=1):
        if is_header(cells):
            return n, cells
        if n >= HEADER_SEARCH_ROWS:
            break
    raise FileRejected(rule, f"{file + ': ' if file else ''}no row with {what} in the first {HEADER_SEARCH_ROWS} rows")


def read_coded_sheet(path: Path, data: bytes, name_of: Callable[[str], str], keys: tuple[str, ...],
                     rule: str) -> list[dict]:
    """The rows under the first row holding the field codes ``keys`` (title blocks and label rows above it are
    skipped, blank rows are not records), every value as text (an empty cell as null), each with ``_source_row``;
    ``name_of`` names a header cell as the contract does. A file without such a row is refused whole (``rule``)."""
    rows = sheet_rows(path, data)
    n, cells = find_header(rows, lambda cells: all(k in map(name_of, cells) for k in keys), rule,
                           f"the field codes {'/'.join(keys)}", path.name)
    header = [name_of(c) for c in cells]
    out = []
    for row_no, cells in enumerate(rows, start=n + 1):
        if not any(cells):
            continue
        rec: dict[str, str | None] = {}
        for i, value in enumerate(cells):
            name = header[i] if i < len(header) and header[i] else f"_column_{i + 1}"
            if value or name not in rec:
                rec[name] = value or None
        rec["_source_row"] = str(row_no)
        out.append(rec)
    return out

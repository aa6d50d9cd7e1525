"""The bench's history CSV keeps every run comparable when a column is added: older rows are padded, not lost."""

from __future__ import annotations

import csv

from kho.bench import HISTORY_COLUMNS, Stage, _append_history


def test_a_history_file_from_before_a_new_column_gets_it_and_keeps_its_rows(tmp_path):
    path = tmp_path / "bench-runs.csv"
    old_header = HISTORY_COLUMNS[:-1]
    old_row = ["2026-12-02T20:00:00+00:00", "cfd080f", "2", "x86_64", "1000000", "load", "998260", "84.300",
               "11842", "29.1", "bare ADBC ingest", "50.300", "1.676", "687"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([old_header, old_row])

    _append_history(path, 1500, [Stage("load", 2.0, 1500, 300.0, cpu_seconds=0.5)], [])

    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == HISTORY_COLUMNS
    assert rows[1] == old_row + [""]
    assert rows[2][HISTORY_COLUMNS.index("stage")] == "load"
    assert rows[2][HISTORY_COLUMNS.index("kho_cpu_seconds")] == "0.500"
    assert len(rows) == 3

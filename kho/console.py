"""Terminal output shared by the CLI, the demo and the benchmark: one console, one table style, and the
warnings-and-failures table that ends every command that validates (warnings are never invisible)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

console = Console(width=None if sys.stdout.isatty() else 140)  # pipes and CI logs get full tables


def print_table(title: str, headers: tuple[str, ...], rows: Iterable, left: int = 1) -> None:
    """A rich table: the first ``left`` columns left-aligned text, the rest right-aligned, integers with separators."""
    table = Table(title=title)
    for i, h in enumerate(headers):
        table.add_column(h, justify="left" if i < left else "right")
    for row in rows:
        table.add_row(*["–" if v is None else f"{v:,}" if isinstance(v, int) else str(v) for v in row])
    console.print(table)


def print_tally(run_ids: list[str] | None = None, since: datetime | None = None) -> None:
    """Warnings and failures by rule of the given validation runs (all runs when None)."""
    from expectations.run_summary import validation_tally
    from kho.core.settings import get_settings
    from kho.core.warehouse import Warehouse

    tally = validation_tally(Warehouse.open(get_settings()), since=since, run_ids=run_ids)
    if not tally:
        console.print("[green]No rule failed.[/]")
        return
    print_table("Warnings and failures by rule", ("suite", "rule", "severity", "rows", "of rows", "units"),
                [(t.suite, t.rule, "[red]error (quarantined)[/]" if t.severity == "error"
                  else "[yellow]warning (kept)[/]", t.failed, t.checked, t.units) for t in tally], left=3)


@contextmanager
def logs_to_file(path: Path, verbose: bool = False) -> Iterator[Path]:
    """Send everything this process and its children write to stdout and stderr (Airflow's task logs, dbt, GX,
    WeasyPrint…) to ``path``, at the file-descriptor level, while ``console`` keeps writing to the terminal: a person
    sees progress and the summary, the logs are in a file. ``verbose`` leaves everything on the terminal."""
    if verbose:
        yield path
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(saved[0]), "w", buffering=1, encoding="utf-8", errors="replace")
    previous = console.file
    with path.open("ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        console.file = terminal
        try:
            yield path
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            console.file = previous
            terminal.close()

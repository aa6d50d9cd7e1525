"""Charts drawn once per content: a chart's SVG is a pure function of its data, its language and the code drawing it
(matplotlib's ids are salted, so the same input draws the same bytes), and matplotlib costs ~0.1–0.3 s a chart. A
publish after a small change, or a retried one, draws only the charts whose data changed. The charts a publish
needs and the cache lacks are drawn first, side by side in worker processes (``draw_missing``): matplotlib holds the
GIL, so threads would not help, and a report set is ~2 charts per unit."""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import matplotlib

from kho.core.paths import PROJECT_ROOT
from kho.reports import charts
from kho.reports.i18n import Words

_CODE = hashlib.sha256((inspect.getsource(charts) + matplotlib.__version__).encode()).hexdigest()[:16]
Request = tuple[Callable[..., str], list[dict], Words]  # draw(data, t)
PARALLEL_FROM = 8  # fewer missing charts than this are drawn in this process (a worker's start costs ~1 s)


def _write(path: Path, svg: str) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(svg, encoding="utf-8")
    os.replace(tmp, path)  # atomic: a concurrent publish reads the whole chart or none


def _draw_into(jobs: list[tuple[str, str, list[dict], str]]) -> None:
    """Draw each (path, chart function's name, data, language) into the cache."""
    for path, name, data, lang in jobs:
        _write(Path(path), getattr(charts, name)(data, Words(lang)))


def _worker() -> None:
    """``python -m kho.reports.chart_cache``: the jobs, pickled by the publishing process, on stdin."""
    _draw_into(pickle.load(sys.stdin.buffer))


class ChartCache:
    """SVGs under ``folder``, one file per content hash; entries unused for ``keep_days`` are pruned."""

    def __init__(self, folder: Path, keep_days: int = 40):
        self.folder = folder
        self.keep_days = keep_days
        self.drawn = self.reused = 0
        self._fresh: set[Path] = set()  # drawn by draw_missing, not yet handed out
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, draw: Callable[..., str], data: list[dict], t: Words) -> Path:
        shown = charts.SHOWN.get(draw.__name__, lambda d: d)(data)  # what the chart shows, not every column read
        key = hashlib.sha256(json.dumps([_CODE, draw.__name__, t.lang, shown], sort_keys=True, default=str)
                             .encode()).hexdigest()
        return self.folder / f"{key}.svg"

    def draw_missing(self, requests: Iterable[Request], workers: int) -> int:
        """Draw the requested charts the cache lacks on up to ``workers`` processes (the charts module's functions
        only); ``chart`` then finds them. Returns how many were drawn. A worker reads its jobs whole from stdin
        before drawing, so the writes here cannot block on a full pipe."""
        missing: dict[Path, tuple[str, str, list[dict], str]] = {}
        for draw, data, t in requests:
            path = self._path(draw, data, t)
            if not path.exists() and getattr(charts, draw.__name__, None) is draw:
                missing[path] = (str(path), draw.__name__, data, t.lang)
        jobs = list(missing.values())
        if workers < 2 or len(jobs) < PARALLEL_FROM:
            return 0  # drawn one by one by chart()
        n = min(workers, len(jobs) // (PARALLEL_FROM // 2))
        # fresh interpreters, not forks of a process holding warehouse connections and threads, nor
        # multiprocessing's spawn, which re-imports the caller's __main__ (an Airflow task, a script)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                                          os.environ.get("PYTHONPATH")]))}
        with contextlib.ExitStack() as stack:
            logs = [stack.enter_context(tempfile.TemporaryFile()) for _ in range(n)]
            procs = [subprocess.Popen([sys.executable, "-m", "kho.reports.chart_cache"], stdin=subprocess.PIPE,
                                      stdout=subprocess.DEVNULL, stderr=log, env=env) for log in logs]
            for i, p in enumerate(procs):
                p.stdin.write(pickle.dumps(jobs[i::n]))
                p.stdin.close()
            for p, log in zip(procs, logs, strict=True):
                if p.wait() != 0:
                    log.seek(0)
                    raise RuntimeError("drawing charts failed in a worker process: "
                                       + log.read().decode(errors="replace")[-2000:])
        self.drawn += len(jobs)
        self._fresh.update(missing)
        return len(jobs)

    def chart(self, draw: Callable[..., str], data: list[dict], t: Words) -> str:
        """``draw(data, t)``, or the SVG it drew before for the same data, language and code."""
        path = self._path(draw, data, t)
        try:
            svg = path.read_text(encoding="utf-8")
            os.utime(path)  # used: kept by the pruning
            if path in self._fresh:
                self._fresh.discard(path)
            else:
                self.reused += 1
            return svg
        except FileNotFoundError:
            pass
        svg = draw(data, t)
        _write(path, svg)
        self.drawn += 1
        return svg

    def prune(self) -> int:
        """Delete the entries no publish used for ``keep_days``; returns how many."""
        cutoff = time.time() - self.keep_days * 86400
        gone = 0
        for path in self.folder.glob("*.svg"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    gone += 1
            except FileNotFoundError:  # pruned by a concurrent publish
                continue
        return gone


if __name__ == "__main__":
    _worker()

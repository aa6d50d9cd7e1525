"""Charts drawn once per content: a chart's SVG is a pure function of its data, its language and the code drawing it
(the templated charts are; matplotlib's ids are salted, so the same input draws the same bytes there too). A publish
after a small change, or a retried one, draws only the charts whose data changed. The two charts every unit's page
carries are drawn from templates (~1.5 ms each); the few matplotlib draws (~0.1-0.3 s each) are the province's."""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import matplotlib

from kho.reports import charts
from kho.reports.i18n import Words

# the code drawing the charts: the module, its templates, matplotlib's version
_CODE = hashlib.sha256("".join([inspect.getsource(charts), matplotlib.__version__,
                                *(p.read_text(encoding="utf-8") for p in sorted(charts.TEMPLATE_DIR.glob("*.j2")))])
                       .encode()).hexdigest()[:16]


def _write(path: Path, svg: str) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(svg, encoding="utf-8")
    os.replace(tmp, path)  # atomic: a concurrent publish reads the whole chart or none


class ChartCache:
    """SVGs under ``folder``, one file per content hash; entries unused for ``keep_days`` are pruned."""

    def __init__(self, folder: Path, keep_days: int = 40):
        self.folder = folder
        self.keep_days = keep_days
        self.drawn = self.reused = 0
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, draw: Callable[..., str], data: list[dict], t: Words) -> Path:
        shown = charts.SHOWN.get(draw.__name__, lambda d: d)(data)  # what the chart shows, not every column read
        key = hashlib.sha256(json.dumps([_CODE, draw.__name__, t.lang, shown], sort_keys=True, default=str)
                             .encode()).hexdigest()
        return self.folder / f"{key}.svg"

    def chart(self, draw: Callable[..., str], data: list[dict], t: Words) -> str:
        """``draw(data, t)``, or the SVG it drew before for the same data, language and code."""
        path = self._path(draw, data, t)
        try:
            svg = path.read_text(encoding="utf-8")
            os.utime(path)  # used: kept by the pruning
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

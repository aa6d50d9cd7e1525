"""The sandbox one-stop system's HTTP API, on loopback.

``GET /api/v1/dossiers?updated_from=yyyyMMddHHmmss&updated_to=yyyyMMddHHmmss&page=1&page_size=500``
(Bearer token) returns ``{"data": [...], "page", "page_size", "total", "has_more"}``: dossiers whose last change
(``NgayCapNhat``) falls in ``[updated_from, updated_to)``, ordered by that time then code.
``POST /admin/clock?now=yyyyMMddHHmmss`` moves the sandbox's clock (dossiers change as time passes);
``GET /health`` answers ``ok``. ``fail_every=K`` answers every K-th API call with 503, to exercise retries.
"""

from __future__ import annotations

import threading

import numpy as np

from sandbox.http import LoopbackServer, SandboxHandler
from sandbox.onestop.generator import Dossiers, SandboxConfig, parse_ts, to_epoch
from sandbox.onestop.records import render


class SandboxOneStop:
    """Dossier store plus clock; thread-safe for the handler threads."""

    def __init__(self, config: SandboxConfig, token: str = "sandbox-token", fail_every: int = 0):
        self.dossiers = Dossiers(config)
        self.token = token
        self.fail_every = fail_every
        self.calls = 0
        self._lock = threading.Lock()
        self.set_clock(self.dossiers.default_clock)

    def set_clock(self, clock: int) -> None:
        updated = self.dossiers.updated_at(clock)
        order = np.lexsort((np.arange(len(updated)), updated))
        with self._lock:
            self.clock = clock
            self._order = order
            self._updated_sorted = updated[order]

    def select(self, updated_from: int, updated_to: int) -> np.ndarray:
        """Indexes of dossiers whose last visible change is in [updated_from, updated_to)."""
        with self._lock:
            lo = np.searchsorted(self._updated_sorted, max(updated_from, 0), side="left")
            hi = np.searchsorted(self._updated_sorted, updated_to, side="left")
            return self._order[lo:hi]

    def page(self, updated_from: int, updated_to: int, page: int, page_size: int) -> dict:
        idx = self.select(updated_from, updated_to)
        chunk = idx[(page - 1) * page_size: page * page_size]
        clock = self.clock
        return {
            "data": [render(self.dossiers, int(i), clock) for i in chunk],
            "page": page, "page_size": page_size, "total": int(len(idx)),
            "has_more": page * page_size < len(idx),
        }

    def all_records(self, clock: int | None = None):
        """Every dossier visible at ``clock``, for tests that recompute figures on their own."""
        clock = self.clock if clock is None else clock
        for i in self.select(0, clock + 1):
            yield render(self.dossiers, int(i), clock)


def _handler(app: SandboxOneStop) -> type[SandboxHandler]:
    class Handler(SandboxHandler):
        def do_GET(self) -> None:
            if self.route == "/health":
                return self.send_json(200, {"status": "ok"})
            if self.route != "/api/v1/dossiers":
                return self.send_error_json(404, "không tìm thấy")
            if self.headers.get("Authorization") != f"Bearer {app.token}":
                return self.send_error_json(401, "sai mã xác thực")
            with app._lock:
                app.calls += 1
                fail = app.fail_every and app.calls % app.fail_every == 0
            if fail:
                return self.send_error_json(503, "hệ thống bận")
            q = self.query()
            try:
                start = to_epoch(parse_ts(q.get("updated_from", "19700101000000")))
                end = to_epoch(parse_ts(q["updated_to"])) if "updated_to" in q else app.clock + 1
                page, size = int(q.get("page", "1")), min(int(q.get("page_size", "500")), 10_000)
                if page < 1 or size < 1:
                    raise ValueError("page and page_size start at 1")
            except (KeyError, ValueError) as exc:
                return self.send_error_json(400, f"tham số không hợp lệ: {exc}")
            self.send_json(200, app.page(start, end, page, size))

        def do_POST(self) -> None:
            self.serve_clock(app.set_clock)

    return Handler


class SandboxServer(LoopbackServer):
    """The sandbox one-stop API on 127.0.0.1 in a background thread (port 0 = any free port)."""

    def __init__(self, app: SandboxOneStop, port: int = 0):
        super().__init__(_handler(app), port)
        self.app = app

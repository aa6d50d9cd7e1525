"""A sandbox system that lists its records by change time, the shape the registry systems share (judicial
records, land registration): ``GET <path>?updated_from=yyyyMMddHHmmss&updated_to=…&page=1&page_size=500`` (Bearer
token) lists the records whose last change is in [from, to), in change-time order, as
``{"data": [...], "page", "page_size", "total", "has_more"}``, through the faults of ``sandbox.faults``.
``POST /admin/faults`` replaces the faults (JSON body), ``POST /admin/clock?now=yyyyMMddHHmmss`` moves the clock,
``GET /health`` answers ``ok``.

A registry passed in has ``visible(clock)`` (``(change time, record)`` in change-time order) and ``dossiers`` (the
one-stop sandbox it is tied to, for the default clock); each record ``render(clock)``.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_left
from dataclasses import asdict

from sandbox.faults import FaultInjector, Faults, answer_with_fault
from sandbox.http import LoopbackServer, SandboxHandler
from sandbox.onestop.generator import parse_ts, to_epoch


class ListingService:
    """Records plus clock and faults; thread-safe for the handler threads."""

    path = "/api/v1/records"

    def __init__(self, registry, token: str = "sandbox-token", faults: Faults | None = None, seed: int = 2,
                 clock: int | None = None):
        self.registry = registry
        self.token = token
        self.injector = FaultInjector(faults, seed)
        self._lock = threading.Lock()
        self.set_clock(registry.dossiers.default_clock if clock is None else clock)

    def listings(self, clock: int) -> dict[str, list]:
        """Each path this service lists and its ``(change time, record)`` pairs at ``clock`` (a system with several
        listings overrides it)."""
        return {self.path: self.registry.visible(clock)}

    def set_clock(self, clock: int) -> None:
        listings = self.listings(clock)
        with self._lock:
            self.clock = clock
            self._lists = {path: ([t for t, _ in rows], [r for _, r in rows]) for path, rows in listings.items()}

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(self._lists)

    def page(self, updated_from: int, updated_to: int, page: int, size: int, path: str | None = None) -> dict:
        with self._lock:
            times, all_rows = self._lists[path or self.path]
            lo, hi = bisect_left(times, updated_from), bisect_left(times, updated_to)
            rows, clock = all_rows[lo:hi], self.clock
        chunk = rows[(page - 1) * size: page * size]
        return {"data": [r.render(clock) for r in chunk], "page": page, "page_size": size, "total": len(rows),
                "has_more": page * size < len(rows)}


def listing_query(handler: SandboxHandler, clock: int, max_page_size: int) -> tuple[int, int, int, int]:
    """(from, to, page, page size) of a listing request; raises KeyError/ValueError on a malformed one."""
    q = handler.query()
    start = to_epoch(parse_ts(q.get("updated_from", "19700101000000")))
    end = to_epoch(parse_ts(q["updated_to"])) if "updated_to" in q else clock + 1
    page, size = int(q.get("page", "1")), min(int(q.get("page_size", "500")), max_page_size)
    if page < 1 or size < 1:
        raise ValueError("page and page_size start at 1")
    return start, end, page, size


def _handler(app: ListingService) -> type[SandboxHandler]:
    class Handler(SandboxHandler):
        def do_GET(self) -> None:
            if self.route == "/health":
                return self.send_json(200, {"status": "ok"})
            if self.route not in app.paths:
                return self.send_error_json(404, "không tìm thấy")
            if self.headers.get("Authorization") != f"Bearer {app.token}":
                return self.send_error_json(401, "sai mã xác thực")
            if answer_with_fault(self, app.injector):
                return None
            try:
                start, end, page, size = listing_query(self, app.clock, 5_000)
            except (KeyError, ValueError) as exc:
                return self.send_error_json(400, f"tham số không hợp lệ: {exc}")
            return self.send_json(200, app.page(start, end, page, size, self.route))

        def do_POST(self) -> None:
            if self.route == "/admin/faults":
                length = int(self.headers.get("Content-Length") or 0)
                changes = json.loads(self.rfile.read(length) or b"{}")
                return self.send_json(200, asdict(app.injector.set_faults(**changes)))
            return self.serve_clock(app.set_clock)

    return Handler


class ListingServer(LoopbackServer):
    """A listing service on 127.0.0.1 in a background thread (port 0 = any free port)."""

    def __init__(self, app: ListingService, port: int = 0):
        super().__init__(_handler(app), port)
        self.app = app

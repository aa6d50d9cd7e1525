"""The sandbox one-stop system's HTTP API, on loopback.

``GET /api/v1/dossiers?updated_from=yyyyMMddHHmmss&updated_to=yyyyMMddHHmmss&page=1&page_size=500``
(Bearer token) returns ``{"data": [...], "page", "page_size", "total", "has_more"}``: dossiers whose last change
(``NgayCapNhat``) falls in ``[updated_from, updated_to)``, ordered by that time then code.
``POST /admin/clock?now=yyyyMMddHHmmss`` moves the sandbox's clock (dossiers change as time passes);
``GET /health`` answers ``ok``. ``fail_every=K`` answers every K-th API call with 503, to exercise retries;
``churn_per_page=K`` edits K already-served dossiers after every page (they move to the end of the listing), the
way officials keep working while a window is read. The fault suite also asks for another error status
(``fail_status``), stalls (``stall_every``/``stall_seconds``), repeated answers (``repeat_every``) and rows out of
order (``shuffle_every``).
"""

from __future__ import annotations

import threading
import time

import numpy as np

from sandbox.http import LoopbackServer, SandboxHandler
from sandbox.listing import listing_query
from sandbox.onestop.generator import Dossiers, SandboxConfig
from sandbox.onestop.records import render


class SandboxOneStop:
    """Dossier store plus clock; thread-safe for the handler threads."""

    def __init__(self, config: SandboxConfig, token: str = "sandbox-token", fail_every: int = 0,
                 churn_per_page: int = 0, fail_status: int = 503, stall_every: int = 0, stall_seconds: float = 0.0,
                 repeat_every: int = 0, shuffle_every: int = 0):
        self.dossiers = Dossiers(config)
        self.token = token
        self.fail_every = fail_every
        self.fail_status = fail_status
        self.stall_every, self.stall_seconds = stall_every, stall_seconds
        self.repeat_every, self.shuffle_every = repeat_every, shuffle_every
        self._last_body: dict | None = None
        self.churn_per_page = churn_per_page
        self.edited: list[int] = []  # dossiers edited by the churn, in order
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
        body = {
            "data": [render(self.dossiers, int(i), clock) for i in chunk],
            "page": page, "page_size": page_size, "total": int(len(idx)),
            "has_more": page * page_size < len(idx),
        }
        if self.churn_per_page and body["has_more"]:
            self._churn(idx[: page * page_size])
        return body

    def faulty(self, call: int, body: dict) -> dict:
        """A misbehaving gateway: every ``repeat_every``-th answer repeats the previous one (a cached page), every
        ``shuffle_every``-th has its rows out of order."""
        if self.repeat_every and call % self.repeat_every == 0 and self._last_body is not None:
            return self._last_body
        if self.shuffle_every and call % self.shuffle_every == 0 and len(body["data"]) > 1:
            body = {**body, "data": body["data"][::-1]}
        self._last_body = body
        return body

    def _churn(self, served: np.ndarray) -> None:
        """Officials edit dossiers while a listing is read: some already served get a new last change (the
        clock's last second), so they move to the end of the result and every row after them moves up one place."""
        picks = served[:: max(1, len(served) // self.churn_per_page)][: self.churn_per_page]
        self.dossiers.edited_at[picks] = self.clock - 1
        self.edited += [int(i) for i in picks]
        self.set_clock(self.clock)

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
                n = app.calls
            if app.fail_every and n % app.fail_every == 0:
                return self.send_error_json(app.fail_status, "hệ thống bận")
            if app.stall_every and n % app.stall_every == 0:
                time.sleep(app.stall_seconds)  # longer than the client waits: it times out and asks again
            try:
                start, end, page, size = listing_query(self, app.clock, 10_000)
            except (KeyError, ValueError) as exc:
                return self.send_error_json(400, f"tham số không hợp lệ: {exc}")
            self.send_json(200, app.faulty(n, app.page(start, end, page, size)))

        def do_POST(self) -> None:
            self.serve_clock(app.set_clock)

    return Handler


class SandboxServer(LoopbackServer):
    """The sandbox one-stop API on 127.0.0.1 in a background thread (port 0 = any free port)."""

    def __init__(self, app: SandboxOneStop, port: int = 0):
        super().__init__(_handler(app), port)
        self.app = app

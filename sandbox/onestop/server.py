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
For ``kho bench``: ``hold_back`` sets the clock back so that a given number of dossiers have not reached their final
version (``POST /admin/release`` moves it to the end again: the incremental run's changes), and ``prerender``
renders every visible dossier once, ahead of the run, so pages are served as bytes.
"""

from __future__ import annotations

import os
import threading
import time
import zlib

import msgspec
import numpy as np

from sandbox.http import LoopbackServer, SandboxHandler
from sandbox.listing import listing_query
from sandbox.onestop.generator import Dossiers, SandboxConfig, fmt_ts
from sandbox.onestop.records import render

_ENCODE = msgspec.json.Encoder().encode
_PRERENDER_APP: SandboxOneStop | None = None  # the app a forked pre-rendering worker renders from


def _default_sigterm() -> None:
    """A pre-render worker ends on SIGTERM whatever handler the process it was forked from had."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _render_part(part: np.ndarray) -> list[bytes]:
    app = _PRERENDER_APP
    pack = (lambda b: zlib.compress(b, 1)) if app.prerender_compressed else (lambda b: b)
    return [pack(_ENCODE(render(app.dossiers, int(i), app.clock))) for i in part]


# Rendered dossiers are ~3.3 kB of JSON each: past this share of the machine's memory the cache holds them
# zlib-compressed (~3x smaller; ~11 us a dossier to inflate when served, in this process, not the connector's)
PRERENDER_MEMORY_SHARE = 0.4
RENDERED_BYTES = 3300


def _fits_uncompressed(n: int) -> bool:
    return n * RENDERED_BYTES < PRERENDER_MEMORY_SHARE * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


class SandboxOneStop:
    """Dossier store plus clock; thread-safe for the handler threads."""

    def __init__(self, config: SandboxConfig, token: str = "sandbox-token", fail_every: int = 0,
                 churn_per_page: int = 0, fail_status: int = 503, stall_every: int = 0, stall_seconds: float = 0.0,
                 repeat_every: int = 0, shuffle_every: int = 0, prerendered_pages: bool = False):
        self.dossiers = Dossiers(config)
        self.prerendered_pages = prerendered_pages  # serve pages as bytes from the pre-rendered cache (kho bench)
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
        # one page at a time: a page is selected, rendered and followed by its churn as one step (a client that gave
        # up on a slow answer asks again while the first is still rendering; the first's churn then edited dossiers
        # the second had selected in their old order and rendered after: a page out of change-time order)
        self._page_lock = threading.Lock()
        self._rendered: dict[int, bytes] = {}
        self.prerender_compressed = False  # the cache holds zlib-compressed JSON (prerender decides)
        self._rendered_clock: int | None = None
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
        with self._page_lock:
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

    def page_bytes(self, updated_from: int, updated_to: int, page: int, page_size: int) -> bytes:
        """The same page as JSON bytes, each dossier taken from the pre-rendered cache (``prerender``) when it holds
        the dossier at this clock, else rendered now: what ``kho bench`` reads, so that its extract stage measures
        the connector rather than this process rendering dicts."""
        idx = self.select(updated_from, updated_to)
        chunk = idx[(page - 1) * page_size: page * page_size]
        clock, cache = self.clock, self._rendered
        if self._rendered_clock != clock:
            cache = {}
        inflate = zlib.decompress if self.prerender_compressed else (lambda b: b)

        def item(i: int) -> bytes:
            cached = cache.get(i)
            return _ENCODE(render(self.dossiers, i, clock)) if cached is None else inflate(cached)

        items = [item(int(i)) for i in chunk]
        head = _ENCODE({"page": page, "page_size": page_size, "total": int(len(idx)),
                        "has_more": page * page_size < len(idx)})
        return b'{"data":[' + b",".join(items) + b"]," + head[1:]

    def prerender(self, workers: int | None = None) -> int:
        """Render every dossier visible at the current clock to JSON once, in ``workers`` forked processes (the
        dossier arrays are shared copy-on-write); kept until the clock moves, compressed when the whole would not
        fit in PRERENDER_MEMORY_SHARE of the memory (5M dossiers: ~16 GB as JSON). Returns how many."""
        import multiprocessing as mp

        idx = self.select(0, self.clock + 1)
        self.prerender_compressed = not _fits_uncompressed(len(idx))
        workers = workers or os.cpu_count() or 1
        parts = np.array_split(idx, workers * 8)
        global _PRERENDER_APP
        _PRERENDER_APP = self
        with mp.get_context("fork").Pool(workers, initializer=_default_sigterm) as pool:
            rendered = pool.map(_render_part, parts)
            # let the workers end on their own: the pool's exit otherwise stops them with SIGTERM, which a handler
            # the forking process had installed (Airflow's, in a process that ran a DAG) would catch and ignore
            pool.close()
            pool.join()
        self._rendered = {int(i): item for part, items in zip(parts, rendered, strict=True)
                          for i, item in zip(part, items, strict=True)}
        self._rendered_clock = self.clock
        return len(self._rendered)

    def hold_back(self, changes: int) -> int:
        """Set the clock back to where exactly ``changes`` dossiers (the latest to change by the default clock: new
        ones and updated ones) have not yet reached their final version; ``release`` then moves it on to the
        default clock, so that a second extraction reads those ``changes`` and nothing else. Returns the clock."""
        end = self.dossiers.default_clock
        latest = np.sort(self.dossiers.updated_at(end))
        latest = latest[latest >= 0]
        changes = max(1, min(int(changes), len(latest)))
        clock = int(latest[-changes])  # the changes are those at or after it: not visible while the clock is there
        self.set_clock(clock)
        return clock

    def release(self) -> int:
        """Move the clock on to the default (the end of the generated period)."""
        self.set_clock(self.dossiers.default_clock)
        return self.clock

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
            if app.prerendered_pages and not (app.churn_per_page or app.repeat_every or app.shuffle_every):
                return self.send_bytes(200, app.page_bytes(start, end, page, size), "application/json; charset=utf-8")
            self.send_json(200, app.faulty(n, app.page(start, end, page, size)))

        def do_POST(self) -> None:
            if self.route == "/admin/release":  # after hold_back: the held-back changes become visible
                return self.send_json(200, {"clock": fmt_ts(app.release())})
            self.serve_clock(app.set_clock)

    return Handler


class SandboxServer(LoopbackServer):
    """The sandbox one-stop API on 127.0.0.1 in a background thread (port 0 = any free port)."""

    def __init__(self, app: SandboxOneStop, port: int = 0):
        super().__init__(_handler(app), port)
        self.app = app

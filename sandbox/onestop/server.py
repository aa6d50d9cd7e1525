"""The sandbox one-stop system's HTTP API, on loopback.

``GET /api/v1/dossiers?updated_from=yyyyMMddHHmmss&updated_to=yyyyMMddHHmmss&page=1&page_size=500``
(Bearer token) returns ``{"data": [...], "page", "page_size", "total", "has_more"}``: dossiers whose last change
(``NgayCapNhat``) falls in ``[updated_from, updated_to)``, ordered by that time then code.
``POST /admin/clock?now=yyyyMMddHHmmss`` moves the sandbox's clock (dossiers change as time passes);
``GET /health`` answers ``ok``. ``fail_every=K`` answers every K-th API call with 503, to exercise retries.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import numpy as np

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


def _handler(app: SandboxOneStop) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def _send(self, status: int, body: dict | str) -> None:
            data = (json.dumps(body, ensure_ascii=False) if isinstance(body, dict) else body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _query(self) -> dict[str, str]:
            return {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}

        def do_GET(self) -> None:
            path = urlparse(self.path).path
            if path == "/health":
                return self._send(200, {"status": "ok"})
            if path != "/api/v1/dossiers":
                return self._send(404, {"error_code": "404", "message": "không tìm thấy"})
            if self.headers.get("Authorization") != f"Bearer {app.token}":
                return self._send(401, {"error_code": "401", "message": "sai mã xác thực"})
            with app._lock:
                app.calls += 1
                fail = app.fail_every and app.calls % app.fail_every == 0
            if fail:
                return self._send(503, {"error_code": "503", "message": "hệ thống bận"})
            q = self._query()
            try:
                start = to_epoch(parse_ts(q.get("updated_from", "19700101000000")))
                end = to_epoch(parse_ts(q["updated_to"])) if "updated_to" in q else app.clock + 1
                page, size = int(q.get("page", "1")), min(int(q.get("page_size", "500")), 10_000)
                if page < 1 or size < 1:
                    raise ValueError("page and page_size start at 1")
            except (KeyError, ValueError) as exc:
                return self._send(400, {"error_code": "400", "message": f"tham số không hợp lệ: {exc}"})
            self._send(200, app.page(start, end, page, size))

        def do_POST(self) -> None:
            url = urlparse(self.path)
            if url.path != "/admin/clock":
                return self._send(404, {"error_code": "404", "message": "không tìm thấy"})
            now = self._query().get("now")
            if not now:
                return self._send(400, {"error_code": "400", "message": "thiếu tham số now"})
            app.set_clock(to_epoch(parse_ts(now)))
            self._send(200, {"clock": now})

    return Handler


class SandboxServer:
    """Runs the sandbox API on 127.0.0.1 in a background thread (port 0 = any free port)."""

    def __init__(self, app: SandboxOneStop, port: int = 0):
        self.app = app
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(app))
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> SandboxServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

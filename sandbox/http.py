"""Loopback HTTP plumbing shared by the sandbox systems: a threaded server and JSON/bytes replies."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import msgspec

_ENCODER = msgspec.json.Encoder()


class SandboxHandler(BaseHTTPRequestHandler):
    """Base request handler: quiet logs, JSON or raw replies, query parameters."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: without this, 40 ms delayed ACKs

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def send_bytes(self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        # msgspec renders ~3x faster than json.dumps: the bench's extract then measures the connector more than the
        # sandbox's rendering (the bytes are the same JSON, without the optional spaces)
        self.send_bytes(status, _ENCODER.encode(body), "application/json; charset=utf-8", headers)

    def send_error_json(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.send_json(status, {"error_code": str(status), "message": message}, headers)

    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}

    @property
    def route(self) -> str:
        return urlparse(self.path).path

    def serve_clock(self, set_clock) -> None:
        """``POST /admin/clock?now=yyyyMMddHHmmss``: move the sandbox's clock (``set_clock`` takes epoch seconds)."""
        from sandbox.onestop.generator import parse_ts, to_epoch

        if self.route != "/admin/clock":
            return self.send_error_json(404, "không tìm thấy")
        now = self.query().get("now")
        if not now:
            return self.send_error_json(400, "thiếu tham số now")
        set_clock(to_epoch(parse_ts(now)))
        return self.send_json(200, {"clock": now})


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a loaded machine accepts late; the default backlog of 5 drops connects under load

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up mid-reply (e.g. one refusing an oversized message) is not a server error."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackServer:
    """Runs a handler on 127.0.0.1 in a background thread (port 0 = any free port)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0):
        self.httpd = _QuietServer(("127.0.0.1", port), handler)
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self._thread.start()
        return self

    def serve_until_interrupted(self, banner: str) -> None:
        """Run in the foreground (``python -m sandbox.…``), printing ``banner`` and the URL, until Ctrl-C."""
        import time

        with self:
            print(f"{banner} on {self.url}", flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

"""The sandbox citizen-ID verification service of the national population database, slow and unstable on purpose.

``POST /api/v1/cong-dan/xac-thuc`` (Bearer token) with ``{"soDinhDanh", "hoTen", "ngaySinh": "dd/mm/yyyy"}``
answers ``{"ketQua": "KHOP" | "KHONG_KHOP" | "KHONG_TIM_THAY"}`` (match, mismatch, not found) from the sandbox
registry's population. Faults, each drawn per request from a seeded generator: latency, a stall longer than any
sane client timeout, 500/503, 429 with ``Retry-After`` above a request rate, and an outage window (every request
answered 503 for a while after the N-th). ``GET /health`` answers ``ok``; ``POST /admin/faults`` replaces the
fault settings (JSON body), e.g. to heal the service in a test.
"""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime

from sandbox.civil_status.generator import Registry
from sandbox.http import LoopbackServer, SandboxHandler

ANSWERS = {"match": "KHOP", "mismatch": "KHONG_KHOP", "not_found": "KHONG_TIM_THAY"}


@dataclass(frozen=True)
class Faults:
    latency_ms: tuple[int, int] = (2, 15)
    stall_share: float = 0.005  # requests that hang for stall_seconds (the client should time out)
    stall_seconds: float = 3.0
    error_share: float = 0.02  # 500 / 503
    throttle_share: float = 0.005  # 429 with Retry-After, whatever the rate
    rate_limit_per_second: int = 1_000  # above this, 429 with Retry-After
    outage_after: int = 0  # 0 = no outage; else every request after the N-th is refused for outage_seconds
    outage_seconds: float = 2.0
    down: bool = False  # refuse everything with 503

    @classmethod
    def calm(cls) -> Faults:
        return cls(latency_ms=(0, 1), stall_share=0, error_share=0, throttle_share=0, rate_limit_per_second=100_000)


class PopulationService:
    def __init__(self, registry: Registry, token: str = "sandbox-token", faults: Faults | None = None,
                 seed: int = 1):
        self.registry = registry
        self.token = token
        self.faults = faults or Faults()
        self.rng = random.Random(seed)
        self.calls = 0
        self.answered: dict[str, int] = {}
        self._lock = threading.Lock()
        self._second = 0
        self._in_second = 0
        self._outage_until = 0.0

    def set_faults(self, **changes) -> Faults:
        with self._lock:
            self.faults = replace(self.faults, **changes)
            self._outage_until = 0.0
            return self.faults

    def fault(self) -> tuple[int, float, dict]:
        """This request's fate: (status or 0 = answer, delay in seconds, extra headers)."""
        f = self.faults
        with self._lock:
            self.calls += 1
            now = time.monotonic()
            if f.down:
                return 503, 0, {}
            if f.outage_after and self.calls == f.outage_after:
                self._outage_until = now + f.outage_seconds
            if now < self._outage_until:
                return 503, 0, {}
            sec = int(now)
            if sec != self._second:
                self._second, self._in_second = sec, 0
            self._in_second += 1
            if self._in_second > f.rate_limit_per_second:
                return 429, 0, {"Retry-After": "1"}
            u = self.rng.random()
            delay = self.rng.uniform(*f.latency_ms) / 1000
        if u < f.stall_share:
            return 0, f.stall_seconds, {}
        u -= f.stall_share
        if u < f.error_share:
            return (500 if u < f.error_share / 3 else 503), delay, {}
        if u - f.error_share < f.throttle_share:
            return 429, 0, {"Retry-After": "1"}
        return 0, delay, {}

    def verify(self, body: dict) -> str:
        born = datetime.strptime(body["ngaySinh"], "%d/%m/%Y").date()
        answer = self.registry.answer(str(body["soDinhDanh"]), str(body["hoTen"]), born)
        with self._lock:
            self.answered[answer] = self.answered.get(answer, 0) + 1
        return ANSWERS[answer]


def _handler(app: PopulationService) -> type[SandboxHandler]:
    class Handler(SandboxHandler):
        def do_GET(self) -> None:
            if self.route == "/health":
                return self.send_json(200, {"status": "ok"})
            return self.send_error_json(404, "không tìm thấy")

        def _body(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"{}")

        def do_POST(self) -> None:
            if self.route == "/admin/faults":
                return self.send_json(200, asdict(app.set_faults(**self._body())))
            if self.route != "/api/v1/cong-dan/xac-thuc":
                return self.send_error_json(404, "không tìm thấy")
            if self.headers.get("Authorization") != f"Bearer {app.token}":
                return self.send_error_json(401, "sai mã xác thực")
            body = self._body()
            status, delay, headers = app.fault()
            if delay:
                time.sleep(delay)
            if status:
                return self.send_error_json(status, "hệ thống bận", headers)
            try:
                answer = app.verify(body)
            except (KeyError, ValueError) as exc:
                return self.send_error_json(400, f"tham số không hợp lệ: {exc}")
            self.send_json(200, {"soDinhDanh": body["soDinhDanh"], "ketQua": answer})

    return Handler


class PopulationServer(LoopbackServer):
    """The sandbox verification service on 127.0.0.1 in a background thread (port 0 = any free port)."""

    def __init__(self, app: PopulationService, port: int = 0):
        super().__init__(_handler(app), port)
        self.app = app

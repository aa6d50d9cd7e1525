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
import threading
from dataclasses import asdict
from datetime import datetime

from sandbox.civil_status.generator import Registry
from sandbox.faults import FaultInjector, Faults, answer_with_fault
from sandbox.http import LoopbackServer, SandboxHandler

__all__ = ["Faults", "PopulationServer", "PopulationService"]

ANSWERS = {"match": "KHOP", "mismatch": "KHONG_KHOP", "not_found": "KHONG_TIM_THAY"}


class PopulationService:
    def __init__(self, registry: Registry, token: str = "sandbox-token", faults: Faults | None = None,
                 seed: int = 1):
        self.registry = registry
        self.token = token
        self.injector = FaultInjector(faults, seed)
        self.answered: dict[str, int] = {}
        self._lock = threading.Lock()

    @property
    def faults(self) -> Faults:
        return self.injector.faults

    @property
    def calls(self) -> int:
        return self.injector.calls

    def set_faults(self, **changes) -> Faults:
        return self.injector.set_faults(**changes)

    def fault(self) -> tuple[int, float, dict]:
        return self.injector.fault()

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
            if answer_with_fault(self, app.injector):
                return None
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

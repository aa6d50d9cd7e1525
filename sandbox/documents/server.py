"""The sandbox document system, exposed the way the national document axis exposes received messages.

``GET /api/v1/edocs?messagetype=edoc|status&from=yyyyMMddHHmmss&to=yyyyMMddHHmmss&page=1&page_size=500``
(Bearer token) lists received messages, ``{"data": [{"id", "messagetype", "from", "time"}], "has_more", …}``,
ordered by arrival time then id; ``GET /api/v1/edocs/{id}`` returns one message as edXML bytes.
``POST /admin/clock?now=yyyyMMddHHmmss`` moves the clock; ``fail_every=K`` answers every K-th call with 503,
but never the same request twice: a client's retry gets its answer however its concurrent requests interleave.
``SandboxDocumentSystem.write_drop_folder`` writes the same messages as ``.edxml`` files instead.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sandbox.documents.edxml import render_document, render_status
from sandbox.documents.generator import Document, Documents, DocumentsConfig, Status, fmt_ts
from sandbox.documents.hostile import HOSTILE
from sandbox.http import LoopbackServer, SandboxHandler
from sandbox.onestop.generator import Dossiers, parse_ts, to_epoch


@dataclass(frozen=True)
class Entry:
    at: int
    message_id: str
    messagetype: str  # edoc | status
    sender: str
    item: Document | Status | str  # a hostile message is named by its id

    def listing(self) -> dict:
        return {"id": self.message_id, "messagetype": self.messagetype, "from": self.sender,
                "time": fmt_ts(self.at)}

    def render(self) -> bytes:
        if isinstance(self.item, Document):
            return render_document(self.item)
        if isinstance(self.item, Status):
            return render_status(self.item)
        return HOSTILE[self.item]()


class SandboxDocumentSystem:
    """Messages plus a clock; thread-safe for the handler threads."""

    def __init__(self, dossiers: Dossiers, config: DocumentsConfig | None = None, token: str = "sandbox-token",
                 fail_every: int = 0):
        self.documents = Documents(dossiers, config)
        self.token = token
        self.fail_every = fail_every
        self.calls = 0
        self._failed: set[str] = set()  # requests already refused once
        self._lock = threading.Lock()
        entries = [Entry(doc.sent_at, doc.message_id, "edoc", doc.sender.organ_id, doc)
                   for doc in self.documents.documents]
        entries += [Entry(s.at, s.message_id, "status", s.sender.organ_id, s) for s in self.documents.statuses]
        if self.documents.config.hostile:
            first = datetime.combine(dossiers.config.start_date, datetime.min.time()) + timedelta(days=3, hours=9)
            entries += [Entry(to_epoch(first) + k * 3600, mid, "edoc", "000.00.00.H00", mid)
                        for k, mid in enumerate(HOSTILE)]
        self._by_type = {t: sorted((e for e in entries if e.messagetype == t), key=lambda e: (e.at, e.message_id))
                         for t in ("edoc", "status")}
        self._times = {t: [e.at for e in es] for t, es in self._by_type.items()}
        self._by_id = {e.message_id: e for e in entries}
        self.clock = dossiers.default_clock

    def set_clock(self, clock: int) -> None:
        with self._lock:
            self.clock = clock

    def entries(self, messagetype: str, start: int, end: int) -> list[Entry]:
        """Messages of ``messagetype`` that arrived in [start, end), never later than the clock."""
        times = self._times[messagetype]
        lo = bisect.bisect_left(times, start)
        hi = bisect.bisect_left(times, min(end, self.clock))
        return self._by_type[messagetype][lo:hi]

    def page(self, messagetype: str, start: int, end: int, page: int, size: int) -> dict:
        found = self.entries(messagetype, start, end)
        chunk = found[(page - 1) * size: page * size]
        return {"data": [e.listing() for e in chunk], "page": page, "page_size": size, "total": len(found),
                "has_more": page * size < len(found)}

    def message(self, message_id: str) -> bytes | None:
        e = self._by_id.get(message_id)
        return e.render() if e is not None and e.at < self.clock else None

    def write_drop_folder(self, folder: Path, start: int = 0, end: int | None = None) -> list[Path]:
        """Write the messages that arrived in [start, end) as ``<id>.edxml`` files (what a file export holds)."""
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for t in ("edoc", "status"):
            for e in self.entries(t, start, end if end is not None else self.clock):
                path = folder / f"{e.message_id}.edxml"
                path.write_bytes(e.render())
                written.append(path)
        return written


def _handler(app: SandboxDocumentSystem) -> type[SandboxHandler]:
    class Handler(SandboxHandler):
        def _authorized(self) -> bool:
            if self.headers.get("Authorization") != f"Bearer {app.token}":
                self.send_error_json(401, "sai mã xác thực")
                return False
            with app._lock:
                fail = bool(app.fail_every) and self.path not in app._failed
                if fail:
                    app.calls += 1
                    fail = app.calls % app.fail_every == 0
                    if fail:
                        app._failed.add(self.path)
            if fail:
                self.send_error_json(503, "trục liên thông bận")
                return False
            return True

        def do_GET(self) -> None:
            route = self.route
            if route == "/health":
                return self.send_json(200, {"status": "ok"})
            if route == "/api/v1/edocs":
                if not self._authorized():
                    return None
                q = self.query()
                try:
                    kind = q.get("messagetype", "edoc")
                    if kind not in ("edoc", "status"):
                        raise ValueError(f"messagetype {kind!r}")
                    start = to_epoch(parse_ts(q.get("from", "19700101000000")))
                    end = to_epoch(parse_ts(q["to"])) if "to" in q else app.clock
                    page, size = int(q.get("page", "1")), min(int(q.get("page_size", "500")), 5_000)
                    if page < 1 or size < 1:
                        raise ValueError("page and page_size start at 1")
                except (KeyError, ValueError) as exc:
                    return self.send_error_json(400, f"tham số không hợp lệ: {exc}")
                return self.send_json(200, app.page(kind, start, end, page, size))
            if route.startswith("/api/v1/edocs/"):
                if not self._authorized():
                    return None
                data = app.message(route.rsplit("/", 1)[1])
                if data is None:
                    return self.send_error_json(404, "không tìm thấy văn bản")
                return self.send_bytes(200, data, "application/xml")
            return self.send_error_json(404, "không tìm thấy")

        def do_POST(self) -> None:
            self.serve_clock(app.set_clock)

    return Handler


class DocumentServer(LoopbackServer):
    """The sandbox document axis on 127.0.0.1 in a background thread (port 0 = any free port)."""

    def __init__(self, app: SandboxDocumentSystem, port: int = 0):
        super().__init__(_handler(app), port)
        self.app = app

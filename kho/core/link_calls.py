"""The log of every call Kho makes to a national or external system: one :class:`LinkCall` per attempt, kept in
memory by a run's :class:`LinkLog` and written to ``kho.link_calls`` when the run ends, whether it succeeded or
not (an outage that fails an extract is the evidence that matters most). Rows carry no personal data: the system,
the request path without its query, the time, the outcome class, the latency, the attempt and the breaker state.

A call's outcome classes: ``ok``; ``timeout``; ``transport`` (refused, reset, DNS); ``http_5xx``; ``http_429``
(the system pacing us); ``auth`` (401/403); ``http_4xx`` (another client error); ``protocol`` (a 200 whose body is
not what the contract says); ``breaker_open`` (not sent: the circuit breaker refused it).
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from datetime import datetime, timezone

log = logging.getLogger(__name__)

OUTCOMES = ("ok", "timeout", "transport", "http_5xx", "http_429", "auth", "http_4xx", "protocol", "breaker_open")
FAILURES = frozenset(OUTCOMES) - {"ok"}
COPY = ("copy kho.link_calls (system, endpoint, called_at, outcome, http_status, latency_ms, attempt, breaker_state, "
        "run_id) from stdin")
ATTEMPT: contextvars.ContextVar[int] = contextvars.ContextVar("kho_link_attempt", default=1)


@dataclass(frozen=True)
class LinkCall:
    system: str
    endpoint: str
    called_at: datetime
    outcome: str
    http_status: int | None
    latency_ms: float
    attempt: int
    breaker_state: str | None
    run_id: str


def outcome_of(exc: BaseException | None, status: int | None = None) -> str:
    """The outcome class of a call that raised ``exc`` (None: it returned) after an HTTP ``status`` (None: none)."""
    import httpx

    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
    elif isinstance(exc, httpx.TimeoutException):
        return "timeout"
    elif isinstance(exc, httpx.TransportError):
        return "transport"
    if status is not None and status >= 400:
        if status in (401, 403):
            return "auth"
        return "http_429" if status == 429 else "http_5xx" if status >= 500 else "http_4xx"
    if exc is not None and type(exc).__name__ == "CircuitBreakerError":
        return "breaker_open"
    return "ok" if exc is None else "protocol"


class LinkLog:
    """The calls of one run to one system; thread-safe (check workers share it)."""

    def __init__(self, system: str, run_id: str | None = None, breaker_state: Callable[[], str] | None = None):
        self.system = system
        self.run_id = run_id or uuid.uuid4().hex
        self.breaker_state = breaker_state
        self._calls: list[LinkCall] = []
        self._lock = threading.Lock()

    def add(self, endpoint: str, called_at: float, outcome: str, latency_ms: float, http_status: int | None = None,
            attempt: int | None = None) -> None:
        state = self.breaker_state() if self.breaker_state else None
        call = LinkCall(self.system, endpoint, datetime.fromtimestamp(called_at, timezone.utc), outcome, http_status,
                        round(latency_ms, 3), attempt or ATTEMPT.get(), state, self.run_id)
        with self._lock:
            self._calls.append(call)

    @contextmanager
    def timed(self, endpoint: str) -> Iterator[dict]:
        """Record the call made inside the block: ``with log.timed(path) as c: resp = …; c["status"] = code``.
        Its outcome is what the block raised (re-raised), else the status it noted."""
        note: dict = {"status": None}
        started, t0 = time.time(), time.perf_counter()
        try:
            yield note
        except BaseException as exc:
            # a body the connector refuses on its content (an oversized message) is not a failure of the link
            outcome = "ok" if note.get("content_refused") else outcome_of(exc, note["status"])
            self.add(endpoint, started, outcome, (time.perf_counter() - t0) * 1000, note["status"])
            raise
        self.add(endpoint, started, outcome_of(None, note["status"]), (time.perf_counter() - t0) * 1000,
                 note["status"])

    def drain(self) -> list[LinkCall]:
        with self._lock:
            calls, self._calls = self._calls, []
        return calls

    def __len__(self) -> int:
        return len(self._calls)


@contextmanager
def attempt_number(n: int) -> Iterator[None]:
    """Calls recorded inside the block are attempt ``n`` of their call (set by the retrying wrapper)."""
    token = ATTEMPT.set(n)
    try:
        yield
    finally:
        ATTEMPT.reset(token)


def write_link_calls(wh, calls: list[LinkCall]) -> int:
    """Append ``calls`` to ``kho.link_calls`` (one transaction); returns the rows written. Never raises for a
    warehouse that cannot take them: the calls are logged as lost instead, and the run's own outcome stands."""
    if not calls:
        return 0
    try:
        with wh.connect() as conn, conn.transaction(), conn.cursor() as cur, cur.copy(COPY) as copy:
            for c in calls:
                copy.write_row(astuple(c))
    except Exception as exc:  # noqa: BLE001 - the log must not turn a run's failure into another one
        log.warning("%d link calls of %s not recorded: %s", len(calls), calls[0].system, exc)
        return 0
    return len(calls)


@contextmanager
def recorded_links(wh, holder) -> Iterator[None]:
    """Write the calls of every log in ``holder.links`` (a dict of system -> LinkLog, e.g. an extract run's) when
    the block ends, however it ends."""
    try:
        yield
    finally:
        for link_log in holder.links.values():
            write_link_calls(wh, link_log.drain())

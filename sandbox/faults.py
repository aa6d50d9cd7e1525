"""Faults of an unstable national service, drawn per request from a seeded generator, shared by the sandbox
services that stand for national links (population, judicial records, land).

Latency; a stall longer than any sane client timeout; 500/503; 429 with ``Retry-After`` whatever the rate and above
a request rate; an outage window (every request answered 503 for a while after the N-th); ``down`` (everything
503). The injector also keeps the log of what it answered (``served``), the answer key of the link-health mart:
every request with its time, the fault or 0, and how long it was held.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, replace


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


@dataclass(frozen=True)
class Served:
    """One request as the service answered it: wall time (epoch seconds), the fault's status (0 = answered), the
    delay it was held, and whether it fell in an outage window."""

    at: float
    status: int
    delay: float
    in_outage: bool


class FaultInjector:
    def __init__(self, faults: Faults | None = None, seed: int = 1):
        self.faults = faults or Faults()
        self.rng = random.Random(seed)
        self.calls = 0
        self.served: list[Served] = []
        self.outages: list[tuple[float, float]] = []  # (start, end) wall times of every outage window begun
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
        status, delay, headers, outage = self._draw()
        with self._lock:
            self.served.append(Served(time.time(), status, delay, outage))
        return status, delay, headers

    def _draw(self) -> tuple[int, float, dict, bool]:
        f = self.faults
        with self._lock:
            self.calls += 1
            now = time.monotonic()
            if f.down:
                return 503, 0, {}, True
            if f.outage_after and self.calls == f.outage_after:
                self._outage_until = now + f.outage_seconds
                wall = time.time()
                self.outages.append((wall, wall + f.outage_seconds))
            if now < self._outage_until:
                return 503, 0, {}, True
            sec = int(now)
            if sec != self._second:
                self._second, self._in_second = sec, 0
            self._in_second += 1
            if self._in_second > f.rate_limit_per_second:
                return 429, 0, {"Retry-After": "1"}, False
            u = self.rng.random()
            delay = self.rng.uniform(*f.latency_ms) / 1000
        if u < f.stall_share:
            return 0, f.stall_seconds, {}, False
        u -= f.stall_share
        if u < f.error_share:
            return (500 if u < f.error_share / 3 else 503), delay, {}, False
        if u - f.error_share < f.throttle_share:
            return 429, 0, {"Retry-After": "1"}, False
        return 0, delay, {}, False


def answer_with_fault(handler, injector: FaultInjector, message: str = "hệ thống bận") -> bool:
    """Apply this request's fault to ``handler`` (a ``SandboxHandler``): wait its delay, and when it is an error
    reply with it. True when the request was answered with a fault (the handler must stop there)."""
    status, delay, headers = injector.fault()
    if delay:
        time.sleep(delay)
    if status:
        handler.send_error_json(status, message, headers)
        return True
    return False

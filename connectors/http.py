"""HTTP plumbing shared by the connectors: which failures to retry, a retrying wrapper with backoff, and a client
base that records every request it sends in the run's link log (``kho.core.link_calls``)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    before_sleep_log,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from connectors.http_transport import WHOLE_BODY_LIMIT, WholeBodyTransport, uses_env_proxy
from kho.core.link_calls import LinkLog, attempt_number

log = logging.getLogger(__name__)
T = TypeVar("T")


class SourceAuthError(RuntimeError):
    """The source refused our credentials: retrying will not help."""


def is_retryable(exc: BaseException) -> bool:
    """Network failures, 429 and 5xx are worth another try; other HTTP errors are not."""
    if isinstance(exc, httpx.TransportError):
        return True
    return isinstance(exc, httpx.HTTPStatusError) and (
        exc.response.status_code == 429 or exc.response.status_code >= 500
    )


class wait_retry_after:
    """Wait what a 429/503 reply's ``Retry-After`` (seconds) asks for, capped at 30 s; else back off exponentially."""

    def __init__(self, backoff_seconds: float):
        self._fallback = wait_exponential(multiplier=backoff_seconds, max=30)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, httpx.HTTPStatusError):
            asked = exc.response.headers.get("Retry-After", "")
            if asked.isdigit():
                return min(float(asked), 30.0)
        return self._fallback(state)


def with_retries(fn: Callable[..., T], *, max_attempts: int, backoff_seconds: float) -> Callable[..., T]:
    """``fn`` retried on retryable failures, waiting as ``Retry-After`` asks or backing off exponentially (capped at
    30 s), re-raising the last failure. Each call gets its own ``Retrying``: tenacity keeps per-call statistics on it,
    which worker threads sharing one decorated function would clobber."""

    def call(*args, **kwargs) -> T:
        tries = 0

        @functools.wraps(fn)  # the retry warning names the function retried
        def attempt() -> T:  # the link log records which attempt of the call each request was
            nonlocal tries
            tries += 1
            with attempt_number(tries):
                return fn(*args, **kwargs)

        return Retrying(
            retry=retry_if_exception(is_retryable),
            stop=stop_after_attempt(max_attempts),
            wait=wait_retry_after(backoff_seconds),
            before_sleep=before_sleep_log(log, logging.WARNING),
            reraise=True,
        )(attempt)

    return call


def body_of(resp: httpx.Response) -> bytes:
    """The body of a streamed response: its chunks joined as received when it is not content-encoded, else decoded
    by httpx. ``Response.read()`` passes every chunk through httpx's decoder chain even for identity: on a 16 MB
    page it took 32 ms of CPU, the chunks joined 12 ms. Through ``WholeBodyTransport`` the body is one chunk, which
    the join returns as it is."""
    if resp.headers.get("content-encoding", "identity").strip().lower() in ("", "identity"):
        return b"".join(resp.iter_raw())
    return resp.read()


def check_auth(resp: httpx.Response, system: str) -> None:
    if resp.status_code in (401, 403):
        raise SourceAuthError(f"{system} refused the token ({resp.status_code}): {resp.text[:200]}")


class BearerClient:
    """An httpx client for one source with a bearer token; closes with ``with``. Every request sent through
    ``_send`` (or inside ``_timed``) is recorded in ``links``, the run's log of calls to this system."""

    system = "external"  # the name its calls are recorded under (kho.link_calls.system)

    def __init__(self, base_url: str, token: str, timeout: float, links: LinkLog | None = None, *,
                 whole_body_limit: int = WHOLE_BODY_LIMIT):
        transport = None if uses_env_proxy(base_url) else WholeBodyTransport(whole_body_limit=whole_body_limit)
        self._http = httpx.Client(base_url=base_url, timeout=timeout, headers={"Authorization": f"Bearer {token}"},
                                  transport=transport)
        self.links = links if links is not None else LinkLog(self.system)

    def _send(self, method: str, path: str, *, endpoint: str | None = None, **kwargs) -> httpx.Response:
        """One request, recorded with its outcome (the status, or the network failure it raised)."""
        with self.links.timed(endpoint or path) as note:
            resp = self._http.request(method, path, **kwargs)
            note["status"] = resp.status_code
            return resp

    @contextmanager
    def _stream(self, method: str, path: str, *, endpoint: str | None = None, **kwargs) -> Iterator[httpx.Response]:
        """One request whose body the caller reads (``body_of``), recorded like ``_send``; closed on leaving."""
        with self.links.timed(endpoint or path) as note, self._http.stream(method, path, **kwargs) as resp:
            note["status"] = resp.status_code
            yield resp

    def _timed(self, endpoint: str):
        """Record a request made in the block (a streamed one): set ``note["status"]`` once it answers."""
        return self.links.timed(endpoint)

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

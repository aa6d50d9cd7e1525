"""HTTP client for the one-stop system's dossier API: bearer auth, paging, retries with exponential backoff."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
from tenacity import (
    before_sleep_log,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from kho.windows import Window

log = logging.getLogger(__name__)
TS = "%Y%m%d%H%M%S"


class SourceAuthError(RuntimeError):
    pass


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.TransportError):
        return True
    return isinstance(exc, httpx.HTTPStatusError) and (
        exc.response.status_code == 429 or exc.response.status_code >= 500
    )


class OneStopClient:
    def __init__(self, base_url: str, token: str, *, page_size: int = 1000, timeout: float = 60.0,
                 max_attempts: int = 6, backoff_seconds: float = 0.5):
        self._http = httpx.Client(base_url=base_url, timeout=timeout,
                                  headers={"Authorization": f"Bearer {token}"})
        self.page_size = page_size
        self._get = retry(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(max_attempts),
            wait=wait_exponential(multiplier=backoff_seconds, max=30),
            before_sleep=before_sleep_log(log, logging.WARNING),
            reraise=True,
        )(self._get_once)

    def _get_once(self, path: str, params: dict) -> dict:
        resp = self._http.get(path, params=params)
        if resp.status_code in (401, 403):
            raise SourceAuthError(f"one-stop API refused the token ({resp.status_code}): {resp.text[:200]}")
        resp.raise_for_status()
        return resp.json()

    def iter_pages(self, window: Window) -> Iterator[list[dict]]:
        """Dossiers changed in ``window``, one page at a time."""
        page = 1
        while True:
            body = self._get("/api/v1/dossiers", {
                "updated_from": window.start.strftime(TS), "updated_to": window.end.strftime(TS),
                "page": page, "page_size": self.page_size,
            })
            yield body["data"]
            if not body.get("has_more"):
                return
            page += 1

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> OneStopClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

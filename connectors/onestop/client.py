"""HTTP client for the one-stop system's dossier API: bearer auth, paging, retries with exponential backoff."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from connectors.http import BearerClient, SourceAuthError, body_of, check_auth, with_retries
from connectors.onestop.schema import decode_page
from connectors.paging import key_field, keyset_pages, row_identity, time_field
from kho.core.link_calls import LinkLog
from kho.core.windows import Window

TS = "%Y%m%d%H%M%S"
__all__ = ["OneStopClient", "SourceAuthError"]


class OneStopClient(BearerClient):
    system = "onestop"

    def __init__(self, base_url: str, token: str, *, page_size: int = 1000, timeout: float = 60.0,
                 max_attempts: int = 6, backoff_seconds: float = 0.5, links: LinkLog | None = None):
        super().__init__(base_url, token, timeout, links)
        self.page_size = page_size
        self._get = with_retries(self._get_once, max_attempts=max_attempts, backoff_seconds=backoff_seconds)

    def _get_once(self, path: str, params: dict) -> dict:
        with self._stream("GET", path, params=params) as resp:
            if resp.is_error:
                resp.read()  # the refusal's text, for the error
                check_auth(resp, "one-stop API")
                resp.raise_for_status()
            body = body_of(resp)
        return decode_page(body)  # outside the recorded call: a body refused on its content is not a link failure

    def iter_pages(self, window: Window) -> Iterator[list[dict]]:
        """Dossiers changed in ``window``, one page at a time, by keyset on NgayCapNhat (rows of the boundary second
        told apart by their content: MaHoSo can repeat at the source), so a dossier that changes while the window is
        read cannot push another one out of it (connectors/paging.py)."""
        def fetch(start: datetime, page: int) -> dict:
            return self._get("/api/v1/dossiers", {"updated_from": start.strftime(TS),
                                                  "updated_to": window.end.strftime(TS), "page": page,
                                                  "page_size": self.page_size})

        return keyset_pages(fetch, window.start, time_of=time_field("NgayCapNhat"), key_of=row_identity,
                            name_of=key_field("MaHoSo"))


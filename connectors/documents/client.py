"""HTTP client for a document axis: list received messages by type and time, fetch each by id.

Retries transient failures with backoff; a message is read as a stream and abandoned as soon as it passes the
size limit, so an oversized message never sits whole in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from connectors.documents.edxml import EdxmlRejected
from connectors.http import BearerClient, check_auth, with_retries
from connectors.paging import key_field, keyset_pages, time_field
from kho.core.link_calls import LinkLog
from kho.core.windows import Window

TS = "%Y%m%d%H%M%S"


class DocumentAxisClient(BearerClient):
    system = "documents"

    def __init__(self, base_url: str, token: str, *, page_size: int = 500, timeout: float = 60.0,
                 max_attempts: int = 6, backoff_seconds: float = 0.5, max_message_bytes: int = 16 * 2**20,
                 links: LinkLog | None = None):
        # a message longer than the limit reaches _fetch_once in chunks, which it abandons past the limit
        super().__init__(base_url, token, timeout, links, whole_body_limit=max_message_bytes)
        self.page_size = page_size
        self.max_message_bytes = max_message_bytes
        self._list = with_retries(self._list_once, max_attempts=max_attempts, backoff_seconds=backoff_seconds)
        self._fetch = with_retries(self._fetch_once, max_attempts=max_attempts, backoff_seconds=backoff_seconds)

    def _list_once(self, params: dict) -> dict:
        resp = self._send("GET", "/api/v1/edocs", params=params)
        check_auth(resp, "document axis")
        resp.raise_for_status()
        return resp.json()

    def iter_listing(self, messagetype: str, window: Window) -> Iterator[list[dict]]:
        """Entries ``{"id", "messagetype", "from", "time"}`` of messages that arrived in ``window``, page by page
        (keyset on arrival time and id, as the dossiers)."""
        def fetch(start: datetime, page: int) -> dict:
            return self._list({"messagetype": messagetype, "from": start.strftime(TS), "to": window.end.strftime(TS),
                               "page": page, "page_size": self.page_size})

        return keyset_pages(fetch, window.start, time_of=time_field("time"), key_of=key_field("id"))

    def _fetch_once(self, message_id: str) -> bytes:
        with self._timed("/api/v1/edocs/{id}") as note, self._http.stream("GET", f"/api/v1/edocs/{message_id}") as resp:
            note["status"] = resp.status_code
            check_auth(resp, "document axis")
            if resp.status_code >= 400:
                resp.read()
                resp.raise_for_status()
            chunks, size = [], 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > self.max_message_bytes:  # the link answered: the message is what is refused
                    note["content_refused"] = True
                    raise EdxmlRejected("size_limit", f"message is over the limit of {self.max_message_bytes:,} "
                                                      f"bytes (stopped reading at {size:,})")
                chunks.append(chunk)
            return b"".join(chunks)

    def fetch(self, message_id: str) -> bytes:
        return self._fetch(message_id)

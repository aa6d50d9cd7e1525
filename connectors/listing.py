"""What the registry connectors share (judicial records, land registration): a system that lists its records by
change time, read with keyset paging and retries, every request recorded in the run's link log; records landed as
they come; and the contract's columns built from JSON records (scalars as received, lists as JSON text, fields
outside the contract in ``_extra``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

import pyarrow as pa

from connectors.http import BearerClient, check_auth, with_retries
from connectors.paging import key_field, keyset_pages, time_field
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.link_calls import LinkLog
from kho.core.windows import Window

log = logging.getLogger(__name__)
TS = "%Y%m%d%H%M%S"


class ChangeListingClient(BearerClient):
    """``GET path?updated_from=…&updated_to=…&page=…&page_size=…`` answered ``{"data": [...], "has_more", "page"}``
    in change-time order. Subclasses name the system, the path, the key and the cursor field."""

    path = "/"
    key = "id"
    cursor = "NgayCapNhat"
    label = "source system"  # in error messages

    def __init__(self, base_url: str, token: str, *, page_size: int = 500, timeout: float = 10.0,
                 max_attempts: int = 6, backoff_seconds: float = 0.5, links: LinkLog | None = None):
        super().__init__(base_url, token, timeout, links)
        self.page_size = page_size
        self._get = with_retries(self._get_once, max_attempts=max_attempts, backoff_seconds=backoff_seconds)

    def _get_once(self, params: dict) -> dict:
        resp = self._send("GET", self.path, params=params)
        check_auth(resp, self.label)
        resp.raise_for_status()
        return resp.json()

    def iter_pages(self, window: Window) -> Iterator[list[dict]]:
        """Records changed in ``window``, a page at a time, by keyset on (cursor, key) (connectors/paging.py)."""
        def fetch(start: datetime, page: int) -> dict:
            return self._get({"updated_from": start.strftime(TS), "updated_to": window.end.strftime(TS),
                              "page": page, "page_size": self.page_size})

        return keyset_pages(fetch, window.start, time_of=time_field(self.cursor), key_of=self.row_key())

    def row_key(self) -> Callable[[object], object]:
        """How rows of the same change time are told apart in keyset paging: by the key field."""
        return key_field(self.key)


def listing_client(cls: type[ChangeListingClient], settings, prefix: str,
                   links: LinkLog | None = None) -> ChangeListingClient:
    """A change-listing client configured by the ``KHO_<PREFIX>_*`` settings (URL, token, page size, timeout,
    attempts, backoff)."""
    def get(name: str):
        return getattr(settings, f"{prefix}_{name}")

    return cls(get("url"), get("token").get_secret_value(), page_size=get("page_size"),
               timeout=get("timeout_seconds"), max_attempts=get("max_attempts"),
               backoff_seconds=get("backoff_seconds"), links=links)


def land_listing(client: ChangeListingClient, run: ExtractRun, stream: str, window: Window,
                 to_arrow) -> BatchManifest:
    """The records changed in ``window`` landed as one batch of ``run``, page by page; a record that is not a JSON
    object goes to ``rejected.jsonl`` with its position and the reason."""
    writer = run.batch(stream, window=window)
    position = 0
    for page in client.iter_pages(window):
        good = []
        for rec in page:
            if isinstance(rec, dict):
                good.append(rec)
            else:
                writer.reject({"position": position, "record": rec,
                               "reason": f"record #{position}: expected a JSON object, got {type(rec).__name__}"})
            position += 1
        if good:
            writer.add_table(to_arrow(good))
    return writer.close()


FILE_COLUMNS = ("_source_file", "_source_row", "_file_sha256")  # where a row from a dropped file came from


class FlatContract:
    """The contract of a registry record, landed as text in the order of ``fields`` (lower-cased; scalars as
    received), then ``nested`` (lists and objects as JSON text), ``_extra`` and the file columns: the same for the
    API's records and a file's rows."""

    def __init__(self, fields: tuple[str, ...], nested: tuple[str, ...] = ()):
        self.fields, self.nested = fields, nested
        self.columns = tuple(f.lower() for f in fields + nested) + ("_extra",) + FILE_COLUMNS
        self.json_columns = tuple(f.lower() for f in nested) + ("_extra",)
        self.arrow_schema = pa.schema([pa.field(c, pa.string()) for c in self.columns])
        self._by_lower = {f.lower(): f for f in fields + nested}

    def to_arrow(self, records: Iterable[dict]) -> pa.Table:
        """Column-wise Arrow table of records (API objects, or file rows with their file columns)."""
        table = contract_table(records, self.fields, self.nested, passthrough=FILE_COLUMNS)
        return table.select(list(self.columns)).cast(self.arrow_schema)

    def name_of(self, header: str) -> str:
        """A file's column header as the contract names it (matched without regard to case)."""
        h = header.strip().lstrip("\ufeff")
        return self._by_lower.get(h.lower(), h)


def scalar_text(value: object) -> str | None:
    """A scalar field as landed: a string as received, anything else (a number, a boolean) as its JSON text."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def contract_table(records: Iterable[dict], scalar_fields: tuple[str, ...], nested_fields: tuple[str, ...] = (),
                   passthrough: tuple[str, ...] = ()) -> pa.Table:
    """Column-wise Arrow table of JSON records: each contract field lower-cased, scalars as received (a number as
    its JSON text), lists and objects as JSON text, ``passthrough`` columns (file name, row) as given, every other
    field in ``_extra`` (schema drift, logged)."""
    known = frozenset(scalar_fields + nested_fields + passthrough)
    cols: dict[str, list] = {f.lower(): [] for f in scalar_fields + nested_fields}
    cols["_extra"] = []
    cols.update({c: [] for c in passthrough})
    drift: set[str] = set()
    for rec in records:
        for f in scalar_fields:
            cols[f.lower()].append(scalar_text(rec.get(f)))
        for f in nested_fields:
            v = rec.get(f)
            cols[f.lower()].append(None if v is None else json.dumps(v, ensure_ascii=False))
        for c in passthrough:
            cols[c].append(rec.get(c))
        extra = {k: v for k, v in rec.items() if k not in known}
        drift.update(extra)
        cols["_extra"].append(json.dumps(extra, ensure_ascii=False) if extra else None)
    if drift:
        log.warning("schema drift: fields outside the contract kept in _extra: %s", ", ".join(sorted(drift)))
    return pa.table({c: pa.array(v, pa.string()) for c, v in cols.items()})

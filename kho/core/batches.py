"""Batch manifests: what one extraction produced, passed from the extract step to the load step (e.g. via XCom)."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone


def new_batch_id(source: str, stream: str, at: datetime) -> str:
    return f"{source}-{stream}-{at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


@dataclass
class BatchManifest:
    batch_id: str
    source: str
    stream: str
    mode: str  # incremental | backfill | file
    extracted_at: str  # ISO timestamp with zone
    landing_path: str
    window_start: str | None = None  # ISO, naive local time of the source system
    window_end: str | None = None
    source_file: str | None = None
    files: list[str] = field(default_factory=list)
    rows: int = 0
    rejected: int = 0  # records that could not be landed (kept in rejected.jsonl)
    consumed_files: list[list[str]] = field(default_factory=list)  # [name, sha256] of drop-folder files read

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> BatchManifest:
        return cls(**data)


def new_manifest(source: str, stream: str, mode: str, **fields) -> BatchManifest:
    """A new batch's manifest, its id stamped with the extraction time (``landing_path`` is set when it lands)."""
    at = utcnow()
    return BatchManifest(batch_id=new_batch_id(source, stream, at), source=source, stream=stream, mode=mode,
                         extracted_at=at.isoformat(), landing_path="", **fields)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)

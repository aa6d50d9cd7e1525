"""Schema contract of landed documents and status events: one row per received edXML message, every field text.

Column names are Kho's, each taken from one edXML element (``connectors.documents.edxml`` says which). Lists (the
receivers, reply-to links, replaced documents, attachment summaries) are JSON text. Every row also carries the
message id on the axis (or the file name), when it arrived, and the message's size and SHA-256; the message itself
stays in the landing zone.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

ENVELOPE = ("message_id", "source_ref", "received_at", "namespace", "message_bytes", "message_sha256",
            "from_organ_id", "from_organ_name", "document_id")
EDOC_COLUMNS = ENVELOPE + (
    "to_organs", "code_number", "code_notation", "promulgation_place", "promulgation_date", "document_type",
    "type_detail", "type_name", "subject", "content", "signer_competence", "signer_position", "signer_full_name",
    "due_date", "to_places", "priority", "steering_type", "response_for", "trace_organ_id", "trace_timestamp",
    "business_doc_type", "business_doc_reason", "replaced_document_ids", "has_signature", "signature_subject",
    "attachments",
)
STATUS_COLUMNS = ENVELOPE + (
    "response_organ_id", "response_code", "status_code", "description", "status_timestamp", "staff_department",
    "staff_name",
)
COLUMNS = {"edocs": EDOC_COLUMNS, "status_events": STATUS_COLUMNS}
MESSAGE_TYPE = {"edocs": "edoc", "status_events": "status"}  # the axis's messagetype for each stream
PRIMARY_KEY = "message_id"
CURSOR = "received_at"


def to_arrow(stream: str, records: Iterable[dict]) -> pa.Table:
    columns = COLUMNS[stream]
    rows = list(records)
    return pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in columns})

"""Safe parsing of edXML messages (QCVN 102:2016; domain.md §3) into flat records.

Input is hostile until proven otherwise. A message is refused, with an :class:`EdxmlRejected` naming the rule, when
it is larger than the size limit, is not the UTF-8 it must be, declares entities (external entities, entity
expansion bombs: defusedxml refuses them before anything is expanded or fetched), or is not well-formed
(truncated). Element names are read without their namespace, so the standard MIC namespace and the non-standard
``http://www.go.vn/eDoc`` envelope both parse; any other root is refused.

Attachments are never kept: each is reduced to its name, type, decoded size and SHA-256.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

MIC_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
GO_NS = "http://www.go.vn/eDoc"
NAMESPACES = {MIC_NS: "mic", GO_NS: "go_edoc"}
ROOTS = {"edXML", "edXMLEnvelope", "EdXMLEnvelope"}
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class EdxmlRejected(ValueError):
    """A message Kho refuses to read; ``rule`` names the broken rule for the rejection log."""

    def __init__(self, rule: str, message: str):
        super().__init__(f"{rule}: {message}")
        self.rule = rule


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _child(el: ET.Element | None, name: str) -> ET.Element | None:
    if el is None:
        return None
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _children(el: ET.Element | None, name: str) -> Iterator[ET.Element]:
    if el is not None:
        yield from (c for c in el if _local(c.tag) == name)


def _text(el: ET.Element | None, *path: str) -> str | None:
    for name in path:
        el = _child(el, name)
    if el is None:
        return None
    return (el.text or "").strip()


def _find(root: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in root.iter() if _local(e.tag) == name), None)


def check_bytes(data: bytes, max_bytes: int) -> None:
    """The checks made before any XML parser sees the message: size and encoding."""
    if len(data) > max_bytes:
        raise EdxmlRejected("size_limit", f"message of {len(data):,} bytes is over the limit of {max_bytes:,} bytes")
    declared = _DECLARED.match(data[:256])
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise EdxmlRejected("encoding", f"declares encoding {declared.group(1).decode()!r}; edXML is UTF-8")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EdxmlRejected("encoding", f"bytes are not valid UTF-8 (first bad byte at offset {exc.start}: "
                                        f"{data[exc.start:exc.start + 1]!r})") from None


def parse_tree(data: bytes, max_bytes: int) -> ET.Element:
    check_bytes(data, max_bytes)
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden as exc:
        if exc.sysid or exc.pubid:
            raise EdxmlRejected("external_entity", f"declares external entity {exc.name!r} ({exc.sysid or exc.pubid})"
                                ) from None
        raise EdxmlRejected("entity_declaration", f"declares entity {exc.name!r} (entity expansion is refused)"
                            ) from None
    except (ExternalReferenceForbidden, DTDForbidden) as exc:
        raise EdxmlRejected("external_reference", str(exc)) from None
    except ET.ParseError as exc:
        raise EdxmlRejected("malformed", f"not well-formed XML ({exc})") from None
    if _local(root.tag) not in ROOTS:
        raise EdxmlRejected("not_edxml", f"root element <{_local(root.tag)}> is not an edXML envelope")
    if _ns(root.tag) not in NAMESPACES:
        raise EdxmlRejected("namespace", f"unknown namespace {_ns(root.tag)!r}")
    return root


def _organ(el: ET.Element | None) -> dict:
    return {"OrganId": _text(el, "OrganId"), "OrganName": _text(el, "OrganName")}


def _attachments(root: ET.Element) -> list[dict]:
    out = []
    for att in (e for e in root.iter() if _local(e.tag) == "Attachment"):
        payload = _child(att, "ContentTransferEncoded")
        item = {"name": _text(att, "AttachmentName"), "content_type": _text(att, "ContentType"),
                "size": None, "sha256": None, "is_zip": None, "error": None}
        if payload is not None:
            try:
                raw = base64.b64decode(payload.text or "", validate=False)
                item.update(size=len(raw), sha256=hashlib.sha256(raw).hexdigest(), is_zip=raw[:4] == b"PK\x03\x04")
            except (binascii.Error, ValueError) as exc:
                item["error"] = f"invalid base64: {exc}"
            payload.text = None  # the content is not kept
        out.append(item)
    return out


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def parse_message(data: bytes, *, max_bytes: int) -> tuple[str, dict]:
    """(``"edoc"`` | ``"status"``, record) for one message; raises :class:`EdxmlRejected` on hostile input."""
    root = parse_tree(data, max_bytes)
    header = _find(root, "MessageHeader")
    if header is None:
        raise EdxmlRejected("no_message_header", "no MessageHeader element")
    common = {
        "namespace": NAMESPACES[_ns(root.tag)],
        "message_bytes": str(len(data)),
        "message_sha256": hashlib.sha256(data).hexdigest(),
        "from_organ_id": _text(header, "From", "OrganId"),
        "from_organ_name": _text(header, "From", "OrganName"),
    }
    if _child(header, "StatusCode") is not None:
        rf = _child(header, "ResponseFor")
        return "status", {
            **common,
            "document_id": _text(rf, "DocumentId"),
            "response_organ_id": _text(rf, "OrganId"),
            "response_code": _text(rf, "Code"),
            "status_code": _text(header, "StatusCode"),
            "description": _text(header, "Description"),
            "status_timestamp": _text(header, "Timestamp"),
            "staff_department": _text(header, "StaffInfo", "Department"),
            "staff_name": _text(header, "StaffInfo", "Staff"),
        }
    business = _find(root, "Bussiness")
    trace = _find(root, "TraceHeader")
    signature = _find(root, "Signature")
    other = _child(header, "OtherInfo")
    attachments = _attachments(root)
    return "edoc", {
        **common,
        "document_id": _text(header, "DocumentId"),
        "to_organs": _json([_organ(t) for t in _children(header, "To")]),
        "code_number": _text(header, "Code", "CodeNumber"),
        "code_notation": _text(header, "Code", "CodeNotation"),
        "promulgation_place": _text(header, "PromulgationInfo", "Place"),
        "promulgation_date": _text(header, "PromulgationInfo", "PromulgationDate"),
        "document_type": _text(header, "DocumentType", "Type"),
        "type_detail": _text(header, "DocumentType", "TypeDetail"),
        "type_name": _text(header, "DocumentType", "TypeName"),
        "subject": _text(header, "Subject"),
        "content": _text(header, "Content"),
        "signer_competence": _text(header, "SignerInfo", "Competence"),
        "signer_position": _text(header, "SignerInfo", "Position"),
        "signer_full_name": _text(header, "SignerInfo", "FullName"),
        "due_date": _text(header, "DueDate"),
        "to_places": _json([(p.text or "").strip() for p in _children(_child(header, "ToPlaces"), "Place")]),
        "priority": _text(other, "Priority"),
        "steering_type": _text(header, "SteeringType"),
        "response_for": _json([{"OrganId": _text(r, "OrganId"), "Code": _text(r, "Code"),
                                "PromulgationDate": _text(r, "PromulgationDate"),
                                "DocumentId": _text(r, "DocumentId")} for r in _children(header, "ResponseFor")]),
        "trace_organ_id": _text(trace, "OrganId"),
        "trace_timestamp": _text(trace, "Timestamp"),
        "business_doc_type": _text(business, "BussinessDocType"),
        "business_doc_reason": _text(business, "BussinessDocReason"),
        "replaced_document_ids": _json([_text(r, "DocumentId") for r in (
            e for e in (business.iter() if business is not None else ()) if _local(e.tag) == "ReplacementInfo")]),
        "has_signature": "1" if signature is not None and _text(signature, "SignatureValue") else "0",
        "signature_subject": _text(_find(signature, "X509Data") if signature is not None else None,
                                   "X509SubjectName"),
        "attachments": _json(attachments),
    }

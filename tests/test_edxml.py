"""edXML parsing: hostile input is refused with the rule it broke; sandbox messages parse to what was sent."""

from __future__ import annotations

import hashlib
import json

import pytest

from connectors.documents.edxml import EdxmlRejected, parse_message
from sandbox.documents import hostile
from sandbox.documents.edxml import attachment_bytes, render_document, render_status, uses_variant
from sandbox.documents.generator import Documents
from sandbox.onestop.generator import Dossiers, SandboxConfig

LIMIT = 16 * 1024 * 1024


@pytest.fixture(scope="module")
def documents() -> Documents:
    return Documents(Dossiers(SandboxConfig(dossiers=1500, seed=7)))


@pytest.mark.parametrize(("make", "rule", "says"), [
    (hostile.external_entity, "external_entity", "file:///etc/passwd"),
    (hostile.billion_laughs, "entity_declaration", "'lol"),
    (hostile.oversized, "size_limit", "over the limit"),
    (hostile.truncated, "malformed", "no element found"),
    (hostile.wrong_encoding, "encoding", "not valid UTF-8"),
])
def test_hostile_messages_are_refused_with_the_rule(make, rule, says):
    with pytest.raises(EdxmlRejected) as err:
        parse_message(make(), max_bytes=LIMIT)
    assert err.value.rule == rule
    assert says in str(err.value)


def test_a_declared_legacy_encoding_is_refused():
    data = '<?xml version="1.0" encoding="windows-1258"?><edXML/>'.encode("ascii")
    with pytest.raises(EdxmlRejected, match="encoding 'windows-1258'"):
        parse_message(data, max_bytes=LIMIT)


def test_other_xml_is_not_an_edxml_message():
    with pytest.raises(EdxmlRejected) as err:
        parse_message(b"<html><body>502 Bad Gateway</body></html>", max_bytes=LIMIT)
    assert err.value.rule == "not_edxml"


def test_the_size_limit_is_the_configured_one(documents):
    data = render_document(documents.documents[0])
    parse_message(data, max_bytes=len(data))
    with pytest.raises(EdxmlRejected, match="size_limit"):
        parse_message(data, max_bytes=len(data) - 1)


def test_documents_parse_to_what_was_sent_in_both_namespaces(documents):
    variants = {True: 0, False: 0}
    for doc in documents.documents[:400]:
        kind, rec = parse_message(render_document(doc), max_bytes=LIMIT)
        assert kind == "edoc"
        number, notation = doc.code
        assert rec["document_id"] == doc.document_id
        assert (rec["code_number"], rec["code_notation"]) == (str(number), notation)
        assert rec["from_organ_id"] == doc.sender.organ_id
        assert rec["subject"] == doc.subject
        assert rec["has_signature"] == ("1" if doc.signed else "0")
        assert rec["business_doc_type"] == str(doc.business_type)
        assert rec["namespace"] == ("go_edoc" if uses_variant(doc) else "mic")
        variants[uses_variant(doc)] += 1
        # attachments: only name, type, size and hash, equal to the bytes the sandbox attached
        got = json.loads(rec["attachments"])
        assert [a["name"] for a in got] == [a[0] for a in doc.attachments]
        for k, a in enumerate(got):
            content = attachment_bytes(doc, k)
            assert (a["size"], a["sha256"]) == (len(content), hashlib.sha256(content).hexdigest())
            assert a["is_zip"] == doc.attachments[k][3]
            assert "ContentTransferEncoded" not in a and len(json.dumps(a)) < 400
    assert variants[True] and variants[False], "both the MIC namespace and the go.vn variant are exercised"


def test_status_messages_parse(documents):
    for status in documents.statuses[:200]:
        kind, rec = parse_message(render_status(status), max_bytes=LIMIT)
        assert kind == "status"
        assert rec["document_id"] == status.document.document_id
        assert rec["status_code"] == status.code
        assert rec["from_organ_id"] == status.sender.organ_id

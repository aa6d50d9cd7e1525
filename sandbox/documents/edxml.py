"""Render sandbox documents and status messages as edXML (QCVN 102:2016, domain.md §3.1–3.3).

Documents of a few senders use the non-standard ``http://www.go.vn/eDoc`` envelope some vendors build. The
XMLDSig ``Signature`` element has the standard shape but a made-up value: the sandbox signs nothing for real.
"""

from __future__ import annotations

import base64
import hashlib
import io
import random
import xml.etree.ElementTree as ET
import zipfile

from sandbox.documents.generator import STATUS_TEXT, Agency, Document, Status, fmt_ts

MIC_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
GO_NS = "http://www.go.vn/eDoc"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
ET.register_namespace("edXML", MIC_NS)
ET.register_namespace("eDoc", GO_NS)
ET.register_namespace("ds", DSIG_NS)
_TYPE_CODES = {"Công văn": 1, "Quyết định": 2, "Tờ trình": 3, "Thông báo": 4, "Kế hoạch": 5, "Báo cáo": 6,
               "Giấy mời": 7, "Hướng dẫn": 8, "Hợp đồng": 9}


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def _organ(parent: ET.Element, tag: str, ns: str, a: Agency) -> None:
    el = _sub(parent, f"{{{ns}}}{tag}")
    for name, value in (("OrganId", a.organ_id), ("OrganizationInCharge", a.name), ("OrganName", a.name),
                        ("OrganAdd", ""), ("Email", ""), ("Telephone", ""), ("Fax", ""), ("Website", "")):
        _sub(el, f"{{{ns}}}{name}", value)


def attachment_bytes(doc: Document, k: int) -> bytes:
    """The content of ``doc``'s k-th attachment: deterministic bytes of its size, zipped when it is a zip."""
    name, _, size, zipped = doc.attachments[k]
    data = random.Random(f"{doc.message_id}/{k}").randbytes(size)
    if not zipped:
        return b"%PDF-1.4\n" + data
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        # a fixed timestamp: writestr(name, …) stamps the current time, so the bytes changed from second to second
        z.writestr(zipfile.ZipInfo(name.replace(".zip", ".pdf"), date_time=(2026, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


def uses_variant(doc: Document) -> bool:
    return int(hashlib.sha1(doc.sender.organ_id.encode()).hexdigest(), 16) % 10 == 0


def render_document(doc: Document) -> bytes:
    ns = GO_NS if uses_variant(doc) else MIC_NS
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    if ns == GO_NS:
        root = ET.Element(q("EdXMLEnvelope"))
        envelope = root
    else:
        root = ET.Element(q("edXML"))
        envelope = _sub(root, q("edXMLEnvelope"))
    header = _sub(envelope, q("edXMLHeader"))
    mh = _sub(header, q("MessageHeader"))
    _organ(mh, "From", ns, doc.sender)
    for rcv in doc.receivers:
        _organ(mh, "To", ns, rcv)
    number, notation = doc.code
    _sub(mh, q("DocumentId"), doc.document_id)
    code = _sub(mh, q("Code"))
    _sub(code, q("CodeNumber"), str(number))
    _sub(code, q("CodeNotation"), notation)
    prom = _sub(mh, q("PromulgationInfo"))
    _sub(prom, q("Place"), doc.sender.name)
    _sub(prom, q("PromulgationDate"), doc.promulgation_text)
    dtype = _sub(mh, q("DocumentType"))
    _sub(dtype, q("Type"), str(_TYPE_CODES.get(doc.type_name, 0)))
    _sub(dtype, q("TypeDetail"), "0")
    _sub(dtype, q("TypeName"), doc.type_name)
    _sub(mh, q("Subject"), doc.subject)
    _sub(mh, q("Content"), "")
    signer = _sub(mh, q("SignerInfo"))
    _sub(signer, q("Competence"), "TM. ỦY BAN NHÂN DÂN" if doc.sender.abbreviation == "UBND" else "KT. GIÁM ĐỐC")
    _sub(signer, q("Position"), "Chủ tịch" if doc.sender.abbreviation == "UBND" else "Phó Giám đốc")
    _sub(signer, q("FullName"), "Lãnh đạo " + doc.sender.abbreviation)
    if doc.due_day:
        _sub(mh, q("DueDate"), f"{doc.due_day:%Y/%m/%d}")
    places = _sub(mh, q("ToPlaces"))
    for rcv in doc.receivers:
        _sub(places, q("Place"), rcv.name)
    _sub(places, q("Place"), "Lưu: VT")
    other = _sub(mh, q("OtherInfo"))
    for tag, value in (("Priority", "0"), ("SphereOfPromulgation", ""), ("TyperNotation", "VT"),
                       ("PromulgationAmount", "1"), ("PageAmount", "1"), ("Direction", "false")):
        _sub(other, q(tag), value)
    if doc.dossier_ref:  # the document answers a one-stop dossier: its code in the reply-to linkage
        rf = _sub(mh, q("ResponseFor"))
        _sub(rf, q("OrganId"), doc.dossier_ref.split("-", 1)[0])
        _sub(rf, q("Code"), doc.dossier_ref)
        _sub(rf, q("PromulgationDate"), "")
        _sub(rf, q("DocumentId"), "")
    _sub(mh, q("SteeringType"), "1")
    trace = _sub(header, q("TraceHeaderList"))
    th = _sub(trace, q("TraceHeader"))
    _sub(th, q("OrganId"), doc.sender.organ_id)
    _sub(th, q("Timestamp"), f"{fmt_ts(doc.sent_at)}")
    bus = _sub(trace, q("Bussiness"))
    _sub(bus, q("DocumentId"), doc.document_id)
    _sub(bus, q("BussinessDocType"), str(doc.business_type))
    _sub(bus, q("BussinessDocReason"), {1: "Thu hồi văn bản", 2: "Cập nhật văn bản", 3: "Thay thế văn bản"}
         .get(doc.business_type, ""))
    _sub(bus, q("Paper"), "0")
    if doc.replaces:
        rl = _sub(bus, q("ReplacementInfoList"))
        ri = _sub(rl, q("ReplacementInfo"))
        _sub(ri, q("DocumentId"), doc.replaces)
    if doc.signed:
        sig = ET.SubElement(header, f"{{{DSIG_NS}}}Signature")
        si = _sub(sig, f"{{{DSIG_NS}}}SignedInfo")
        ET.SubElement(si, f"{{{DSIG_NS}}}CanonicalizationMethod",
                      Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315")
        ET.SubElement(si, f"{{{DSIG_NS}}}SignatureMethod", Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1")
        ref = _sub(si, f"{{{DSIG_NS}}}Reference")
        _sub(ref, f"{{{DSIG_NS}}}DigestValue", base64.b64encode(hashlib.sha1(doc.subject.encode()).digest())
             .decode())
        _sub(sig, f"{{{DSIG_NS}}}SignatureValue", base64.b64encode(hashlib.sha256(
            doc.document_id.encode()).digest() * 4).decode())
        x509 = _sub(_sub(sig, f"{{{DSIG_NS}}}KeyInfo"), f"{{{DSIG_NS}}}X509Data")
        _sub(x509, f"{{{DSIG_NS}}}X509SubjectName", f"CN={doc.sender.name}, O={doc.sender.organ_id}, C=VN")
        _sub(x509, f"{{{DSIG_NS}}}X509Certificate", base64.b64encode(doc.sender.organ_id.encode() * 8).decode())
    body = _sub(envelope, q("edXMLBody"))
    manifest = _sub(body, q("edXMLManifest"))
    manifest.set("version", "1.0")
    encoded = _sub(root, q("AttachmentEncoded")) if ns == MIC_NS else _sub(envelope, q("AttachmentEncoded"))
    for k, (name, ctype, _, _) in enumerate(doc.attachments):
        ref = _sub(manifest, q("Reference"))
        for tag, value in (("ContentId", f"cid:{k + 1}"), ("ContentType", ctype), ("Description", name),
                           ("AttachmentName", name)):
            _sub(ref, q(tag), value)
        att = _sub(encoded, q("Attachment"))
        for tag, value in (("ContentId", f"cid:{k + 1}"), ("AttachmentName", name), ("Description", name),
                           ("ContentType", ctype)):
            _sub(att, q(tag), value)
        _sub(att, q("ContentTransferEncoded"), base64.encodebytes(attachment_bytes(doc, k)).decode())
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def render_status(status: Status) -> bytes:
    ns = MIC_NS
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    root = ET.Element(q("edXML"))
    envelope = _sub(root, q("edXMLEnvelope"))
    header = _sub(envelope, q("edXMLHeader"))
    mh = _sub(header, q("MessageHeader"))
    _organ(mh, "From", ns, status.sender)
    doc = status.document
    rf = _sub(mh, q("ResponseFor"))
    _sub(rf, q("OrganId"), doc.sender.organ_id)
    number, notation = doc.code
    _sub(rf, q("Code"), f"{number}/{notation}")
    _sub(rf, q("PromulgationDate"), f"{doc.promulgation_day:%Y/%m/%d}")
    _sub(rf, q("DocumentId"), doc.document_id)
    staff = _sub(mh, q("StaffInfo"))
    _sub(staff, q("Department"), "Văn thư")
    _sub(staff, q("Staff"), "Văn thư " + status.sender.abbreviation)
    _sub(staff, q("Email"), "")
    _sub(staff, q("Mobile"), "")
    _sub(mh, q("StatusCode"), status.code)
    _sub(mh, q("Description"), STATUS_TEXT[status.code])
    _sub(mh, q("Timestamp"), _slash_ts(status.at))
    _sub(envelope, q("edXMLBody"))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _slash_ts(epoch: int) -> str:
    t = fmt_ts(epoch)
    return f"{t[:4]}/{t[4:6]}/{t[6:8]} {t[8:10]}:{t[10:12]}:{t[12:]}"

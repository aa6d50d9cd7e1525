"""Hostile and broken edXML messages, for the connector to reject while the rest of its batch loads.

External entity (XXE), entity expansion ("billion laughs"), a message over the size limit, a truncated message and
one whose bytes are not the UTF-8 they declare. ``HOSTILE`` maps a message id to a function making its bytes.
"""

from __future__ import annotations

from collections.abc import Callable

_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'
_OPEN = '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>'
_CLOSE = "</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"


def external_entity() -> bytes:
    return (_HEAD + '<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' + _OPEN
            + "<Subject>&xxe;</Subject>" + _CLOSE).encode()


def billion_laughs() -> bytes:
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{k} "{("&lol" + (str(k - 1) if k > 1 else "") + ";") * 10}">' for k in range(1, 10))
    return (_HEAD + f"<!DOCTYPE edXML [{ents}]>\n" + _OPEN + "<Subject>&lol9;</Subject>" + _CLOSE).encode()


def oversized(size: int = 20 * 1024 * 1024) -> bytes:
    """A well-formed message with one attachment of ``size`` bytes of base64 text (over the default limit)."""
    return (_HEAD + _OPEN + "<Subject>Văn bản quá lớn</Subject>" + _CLOSE[:-8]
            + "<AttachmentEncoded><Attachment><AttachmentName>lon.zip</AttachmentName><ContentTransferEncoded>"
            + "QUFB" * (size // 4) + "</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>").encode()


def truncated() -> bytes:
    return (_HEAD + _OPEN + "<From><OrganId>000.00.01.H56</OrganId></From><Subject>Văn bản bị cắt cụt").encode()


def wrong_encoding() -> bytes:
    """Declares UTF-8 but the Vietnamese text is in the legacy Windows-1258 code page."""
    return (_HEAD + _OPEN + "<Subject>Báo cáo tháng</Subject>" + _CLOSE).encode("cp1258")


HOSTILE: dict[str, Callable[[], bytes]] = {
    "hostile-external-entity": external_entity,
    "hostile-billion-laughs": billion_laughs,
    "hostile-oversized": oversized,
    "hostile-truncated": truncated,
    "hostile-wrong-encoding": wrong_encoding,
}

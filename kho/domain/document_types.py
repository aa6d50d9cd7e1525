"""Types of administrative documents and their notation abbreviations (Decree 30/2020/NĐ-CP, Appendix III;
domain.md §3.5).

The notation (ký hiệu) of a document is the type abbreviation, then the issuing agency's abbreviation, then
optionally the drafting unit, joined by ``-``: ``QĐ-UBND``. Official letters (công văn) carry no type abbreviation:
``UBND-VP``. Abbreviations are case-sensitive (``HĐ`` hợp đồng ≠ ``HD`` hướng dẫn, ``QyĐ`` ≠ ``QĐ``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentType:
    name: str
    abbreviation: str | None  # None: công văn, which carries no type abbreviation


DOCUMENT_TYPES: tuple[DocumentType, ...] = (
    DocumentType("Công văn", None),
    DocumentType("Nghị quyết", "NQ"),
    DocumentType("Quyết định", "QĐ"),
    DocumentType("Chỉ thị", "CT"),
    DocumentType("Quy chế", "QC"),
    DocumentType("Quy định", "QyĐ"),
    DocumentType("Thông cáo", "TC"),
    DocumentType("Thông báo", "TB"),
    DocumentType("Hướng dẫn", "HD"),
    DocumentType("Chương trình", "CTr"),
    DocumentType("Kế hoạch", "KH"),
    DocumentType("Phương án", "PA"),
    DocumentType("Đề án", "ĐA"),
    DocumentType("Dự án", "DA"),
    DocumentType("Báo cáo", "BC"),
    DocumentType("Biên bản", "BB"),
    DocumentType("Tờ trình", "TTr"),
    DocumentType("Hợp đồng", "HĐ"),
    DocumentType("Công điện", "CĐ"),
    DocumentType("Bản ghi nhớ", "BGN"),
    DocumentType("Bản thỏa thuận", "BTT"),
    DocumentType("Giấy ủy quyền", "GUQ"),
    DocumentType("Giấy mời", "GM"),
    DocumentType("Giấy giới thiệu", "GGT"),
    DocumentType("Giấy nghỉ phép", "GNP"),
    DocumentType("Phiếu gửi", "PG"),
    DocumentType("Phiếu chuyển", "PC"),
    DocumentType("Phiếu báo", "PB"),
)
BY_NAME = {t.name: t for t in DOCUMENT_TYPES}
ABBREVIATIONS = frozenset(t.abbreviation for t in DOCUMENT_TYPES if t.abbreviation)

# groups of uppercase letters and digits (with Đ), joined by "-"; a type abbreviation may mix case (QyĐ, CTr, TTr)
NOTATION = r"^[A-ZĐ][A-Za-zĐđ0-9]*(-[A-ZĐ0-9][A-Za-zĐđ0-9]*)+$"
CODE_NUMBER = r"^[0-9]{1,6}$"


def type_rows() -> list[dict]:
    """Seed rows: document types and their abbreviations."""
    return [{"type_name": t.name, "type_abbreviation": t.abbreviation or "", "is_official_letter": t.abbreviation
             is None} for t in DOCUMENT_TYPES]

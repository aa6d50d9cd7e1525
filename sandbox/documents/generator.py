"""Deterministic documents of a simulated provincial document management system, tied to the sandbox one-stop
system's dossiers (the same province, agencies and seed).

Three kinds of documents are drawn:

* **case documents**: an official letter or submission about one dossier (the same case handled on both
  platforms). The dossier is named in a structured field (``ResponseFor/Code``), or only in the subject text, or
  only by its applicant and procedure. Some are keyed twice (two documents, two numbers, one case);
* **document-only cases**: the same kind of letter for an applicant who has no dossier;
* **ordinary documents**: plans, reports, notices, decisions… that concern no case. A few are later revoked,
  updated or replaced (edXML business types 1/2/3), a few are unsigned, mis-noted or mis-dated.

Every document is numbered per issuing agency and calendar year in promulgation order (restarting on 1 January);
a few numbers are skipped or reused, as ``Documents.number_gaps`` / ``number_duplicates`` record. Receivers answer
with status messages (01 arrived … 06 finished). ``Documents.true_links`` is the answer key of the reconciliation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

from kho.domain.document_types import BY_NAME as DOCUMENT_TYPES_BY_NAME
from sandbox.onestop.catalog import PROCEDURES
from sandbox.onestop.generator import (
    DIRTY_KINDS,
    EV_END,
    EV_PROCESS,
    EV_RECEIVE,
    FAMILY,
    GIVEN_F,
    GIVEN_M,
    MIDDLE_F,
    MIDDLE_M,
    NEVER,
    OUT_REFUSED,
    Dossiers,
    fmt_ts,
    to_epoch,
)
from sandbox.onestop.records import render

# provincial departments (sở) by department number: abbreviation and name (illustrative)
DEPARTMENTS = (
    ("VP", "Văn phòng UBND tỉnh"), ("SNV", "Sở Nội vụ"), ("STP", "Sở Tư pháp"), ("STC", "Sở Tài chính"),
    ("SCT", "Sở Công Thương"), ("SXD", "Sở Xây dựng"), ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("SGDĐT", "Sở Giáo dục và Đào tạo"), ("SYT", "Sở Y tế"), ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"), ("SDTTG", "Sở Dân tộc và Tôn giáo"), ("TTr", "Thanh tra tỉnh"),
    ("SNgV", "Sở Ngoại vụ"), ("BQLKKT", "Ban Quản lý Khu kinh tế"), ("CAT", "Công an tỉnh"),
    ("BCHQS", "Bộ Chỉ huy Quân sự tỉnh"), ("TTPVHCC", "Trung tâm Phục vụ hành chính công tỉnh"),
    ("SGTVT", "Sở Giao thông vận tải"),
)
ORDINARY_TYPES = (("Công văn", 0.40), ("Thông báo", 0.12), ("Kế hoạch", 0.12), ("Báo cáo", 0.14),
                  ("Quyết định", 0.10), ("Giấy mời", 0.07), ("Hướng dẫn", 0.03), ("Hợp đồng", 0.02))
ORDINARY_SUBJECTS = {
    "Công văn": "V/v triển khai nhiệm vụ chuyển đổi số năm {year}",
    "Thông báo": "Thông báo kết luận cuộc họp giao ban tháng {month}",
    "Kế hoạch": "Kế hoạch cải cách hành chính năm {year}",
    "Báo cáo": "Báo cáo tình hình giải quyết thủ tục hành chính tháng {month}",
    "Quyết định": "Quyết định kiện toàn Tổ công tác thực hiện Đề án 06",
    "Giấy mời": "Giấy mời dự hội nghị trực tuyến ngày {day}",
    "Hướng dẫn": "Hướng dẫn số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "Hợp đồng": "Hợp đồng thuê dịch vụ công nghệ thông tin",
}
# ASCII or wrongly-cased notations that officials type (case matters: HĐ is a contract, HD a guideline)
NOTATION_TYPOS = {"Quyết định": "QD", "Hợp đồng": "HD", "Kế hoạch": "Kh", "Thông báo": "TB.", "Báo cáo": "BC "}
STATUS_TEXT = {
    "01": "Đã đến", "02": "Từ chối tiếp nhận", "03": "Đã tiếp nhận, vào sổ văn bản đến", "04": "Phân công xử lý",
    "05": "Đang xử lý", "06": "Hoàn thành xử lý", "13": "Yêu cầu lấy lại văn bản",
    "15": "Đồng ý yêu cầu lấy lại văn bản", "16": "Từ chối yêu cầu lấy lại văn bản",
}
LINK_METHODS = ("structured_code", "code_in_text", "applicant_procedure")
TEXT_CODE_FORMS = ("V/v giải quyết hồ sơ {proc} (mã hồ sơ {code})", "Về hồ sơ số {code} - {proc}",
                   "V/v xin ý kiến hồ sơ {proc}, mã HS: {code}")


@dataclass(frozen=True)
class DocumentsConfig:
    case_share: float = 0.12          # dossiers that also have a document
    duplicate_share: float = 0.08     # case documents keyed twice
    document_only_share: float = 0.06 # document-only cases, relative to case documents
    ordinary_share: float = 0.08      # ordinary documents, relative to dossiers
    unsigned_share: float = 0.0035    # seed 003 reports 99.65% signed
    notation_typo_share: float = 0.01
    bad_date_share: float = 0.004     # promulgation date not in yyyy/MM/dd (an error: quarantined)
    number_gap_share: float = 0.006
    number_duplicate_share: float = 0.004
    revoke_share: float = 0.01
    update_share: float = 0.01
    replace_share: float = 0.006
    large_attachment_share: float = 0.01
    hostile: bool = True              # add the hostile messages of ``sandbox.documents.hostile`` to the feed


@dataclass(frozen=True)
class Agency:
    organ_id: str
    name: str
    abbreviation: str


@dataclass
class Document:
    message_id: str
    sent_at: int                     # epoch seconds, Vietnam wall time
    sender: Agency
    receivers: tuple[Agency, ...]
    type_name: str
    subject: str
    promulgation_day: date
    due_day: date | None = None
    number: int = 0
    notation: str = ""
    signed: bool = True
    business_type: int = 0           # 0 new, 1 revoke, 2 update, 3 replace
    original: Document | None = None  # revoke/update: the document itself again; replace: the one replaced
    dossier_ref: str | None = None   # ResponseFor/Code: the dossier code in a structured field
    true_dossier: str | None = None  # answer key: the dossier this document is about
    link_method: str | None = None
    case_key: str | None = None      # the case (dossier code or a document-only case id)
    attachments: tuple[tuple[str, str, int, bool], ...] = ()  # name, MIME type, size, zipped
    date_typo: bool = False
    notation_typo: bool = False
    statuses: list[tuple[int, str, Agency]] = field(default_factory=list)  # (epoch, code, from)

    @property
    def promulgation_text(self) -> str:
        d = self.promulgation_day
        return f"{d:%d-%m-%Y}" if self.date_typo else f"{d:%Y/%m/%d}"

    @property
    def document_id(self) -> str:
        if self.business_type in (1, 2) and self.original:  # revocations and updates carry the original's id
            return self.original.document_id
        return f"{self.sender.organ_id},{self.promulgation_day:%Y/%m/%d},{self.number}/{self.notation}"

    @property
    def code(self) -> tuple[int, str]:
        """Number and notation (a revocation or update repeats the original's)."""
        src = self.original if self.business_type in (1, 2) and self.original else self
        return src.number, src.notation

    @property
    def replaces(self) -> str | None:
        return self.original.document_id if self.business_type == 3 and self.original else None


@dataclass(frozen=True)
class Status:
    message_id: str
    at: int
    code: str
    sender: Agency
    document: Document


class Documents:
    """All documents and status messages of one sandbox, derived from the one-stop sandbox's dossiers."""

    def __init__(self, dossiers: Dossiers, config: DocumentsConfig | None = None):
        self.dossiers = d = dossiers
        self.config = config or DocumentsConfig()
        self.rng = np.random.default_rng(d.config.seed + 102)
        self.province_agency = Agency(d.agency_id(-1, 0), f"UBND {d.province.full_name}", "UBND")
        self.departments = [Agency(d.agency_id(-1, k + 1), f"{name} {d.province.full_name}", abbr)
                            for k, (abbr, name) in enumerate(DEPARTMENTS)]
        self.communes = [Agency(d.agency_id(i, 0), f"UBND {u.full_name}", "UBND") for i, u in enumerate(d.communes)]
        docs: list[Document] = []
        docs += self._case_documents()
        docs += self._document_only_cases(len(docs))
        docs += self._ordinary_documents()
        docs += self._later_versions(docs)
        docs.sort(key=lambda x: (x.sent_at, x.message_id))
        self._number([doc for doc in docs if doc.business_type in (0, 3)])
        for doc in docs:
            self._statuses(doc)
        self.documents = docs
        self.statuses = sorted((Status(f"{doc.message_id}-S{k:02d}", at, code, frm, doc)
                                for doc in docs for k, (at, code, frm) in enumerate(doc.statuses)),
                               key=lambda s: (s.at, s.message_id))

    # -- drawing ---------------------------------------------------------------------------------------------
    def _agency_of(self, i: int) -> Agency:
        u = int(self.dossiers.unit_idx[i])
        return self.departments[int(self.dossiers.dept[i]) - 1] if u < 0 else self.communes[u]

    def _person(self, r: random.Random) -> str:
        if r.random() < 0.52:
            return f"{r.choice(FAMILY)} {r.choice(MIDDLE_F)} {r.choice(GIVEN_F)}"
        return f"{r.choice(FAMILY)} {r.choice(MIDDLE_M)} {r.choice(GIVEN_M)}"

    def _attachments(self, r: random.Random, stem: str) -> tuple[tuple[str, str, int, bool], ...]:
        out = []
        for k in range(r.choice((1, 1, 2))):
            zipped = r.random() < 0.4
            size = r.randint(1_000, 12_000)
            if r.random() < self.config.large_attachment_share:
                size = r.randint(500_000, 2_000_000)
            name = f"{stem}_{k + 1}.zip" if zipped else f"{stem}_{k + 1}.pdf"
            out.append((name, "application/zip" if zipped else "application/pdf", size, zipped))
        return tuple(out)

    def _case_documents(self) -> list[Document]:
        d, c, rng = self.dossiers, self.config, self.rng
        # clean dossiers only, and not one whose code the next dossier reuses (both are quarantined)
        code_reused = np.r_[d.dirty_kind[1:] == DIRTY_KINDS.index("duplicate_code"), False]
        eligible = np.flatnonzero((d.dirty_kind == -1) & ~code_reused & (d.outcome != OUT_REFUSED)
                                  & (d.events[:, EV_PROCESS] != NEVER))
        chosen = np.sort(rng.choice(eligible, size=int(len(eligible) * c.case_share), replace=False))
        docs = []
        for i in chosen:
            i = int(i)
            r = random.Random(int(d.name_seed[i]) ^ 0x5EED)
            rec = render(d, i, d.default_clock)
            code, proc, owner = rec["MaHoSo"], rec["TenTTHC"], rec["ChuHoSo"]
            recv, end = int(d.events[i, EV_RECEIVE]), int(d.events[i, EV_END])
            sender = self._agency_of(i)
            receiver = self.province_agency if sender in self.departments else r.choice(self.departments[1:])
            method = LINK_METHODS[int(rng.choice(3, p=[0.45, 0.35, 0.20]))]
            if method == "structured_code":
                subject = f"V/v đề nghị thẩm định hồ sơ {proc}"
            elif method == "code_in_text":
                subject = r.choice(TEXT_CODE_FORMS).format(proc=proc, code=code)
            else:
                honorific = "" if owner.startswith("Hộ kinh doanh") else ("bà " if d.female[i] else "ông ")
                subject = f"V/v giải quyết hồ sơ {proc} của {honorific}{owner}"
            sent = recv + r.randint(3600, max(end - recv, 2 * 86400))
            type_name = "Tờ trình" if r.random() < 0.6 else "Công văn"
            copies = 2 if rng.random() < c.duplicate_share else 1
            for k in range(copies):
                at = sent + k * r.randint(600, 2 * 86400)
                docs.append(Document(
                    message_id=f"edoc-{code}-{k}", sent_at=at, sender=sender, receivers=(receiver,),
                    type_name=type_name, subject=subject, promulgation_day=_day(at),
                    due_day=_day(at) + timedelta(days=r.randint(5, 15)),
                    dossier_ref=code if method == "structured_code" else None, true_dossier=code,
                    link_method=method, case_key=code, attachments=self._attachments(r, "To_trinh"),
                ))
        return docs

    def _document_only_cases(self, n_case_docs: int) -> list[Document]:
        d, rng = self.dossiers, self.rng
        start, end = to_epoch(_midnight(d.config.start_date)), d.default_clock
        docs = []
        for k in range(int(n_case_docs * self.config.document_only_share)):
            r = random.Random(d.config.seed * 31 + k)
            proc = r.choice([p for p in PROCEDURES if p.tier == "commune"])
            sender = self.communes[int(rng.integers(len(self.communes)))]
            at = _office_hours(r, start, end)
            person = self._person(r)
            docs.append(Document(
                message_id=f"edoc-only-{k:05d}", sent_at=at, sender=sender,
                receivers=(r.choice(self.departments[1:]),), type_name="Công văn",
                subject=f"V/v giải quyết hồ sơ {proc.name} của {'bà' if ' Thị ' in person else 'ông'} {person}",
                promulgation_day=_day(at), due_day=_day(at) + timedelta(days=r.randint(5, 15)),
                case_key=f"only-{k:05d}", attachments=self._attachments(r, "Cong_van"),
            ))
        return docs

    def _ordinary_documents(self) -> list[Document]:
        d, c = self.dossiers, self.config
        # from a month before the one-stop period, so numbering is seen restarting on 1 January
        start = to_epoch(_midnight(d.config.start_date - timedelta(days=31)))
        end = d.default_clock
        names, weights = zip(*ORDINARY_TYPES, strict=True)
        senders = [self.province_agency, *self.departments, *self.communes]
        docs = []
        for k in range(int(d.n * c.ordinary_share)):
            r = random.Random(d.config.seed * 17 + k)
            type_name = r.choices(names, weights)[0]
            sender = r.choice(senders[:20]) if r.random() < 0.5 else r.choice(senders)
            at = _office_hours(r, start, end)
            day = _day(at)
            receivers = tuple({a.organ_id: a for a in r.sample(senders, r.choice((1, 1, 2, 3)))
                               if a != sender}.values()) or (self.province_agency,)
            docs.append(Document(
                message_id=f"edoc-ord-{k:06d}", sent_at=at, sender=sender, receivers=receivers, type_name=type_name,
                subject=ORDINARY_SUBJECTS[type_name].format(year=day.year, month=day.month, day=f"{day:%d/%m}"),
                promulgation_day=day,
                due_day=day + timedelta(days=r.randint(3, 20)) if r.random() < 0.6 else None,
                signed=r.random() >= c.unsigned_share * 3,  # ordinary documents carry all the unsigned ones
                notation_typo=type_name in NOTATION_TYPOS and r.random() < c.notation_typo_share * 3,
                date_typo=r.random() < c.bad_date_share,
                attachments=self._attachments(r, "Van_ban"),
            ))
        return docs

    def _number(self, docs: list[Document]) -> None:
        """Number per issuing agency and calendar year, in promulgation order; skip or reuse a few numbers."""
        c, rng = self.config, self.rng
        last: dict[tuple[str, int], tuple[int, date]] = {}
        self.number_gaps: set[tuple[str, int, int]] = set()
        self.number_duplicates: set[tuple[str, int, int]] = set()
        for doc in docs:
            key = (doc.sender.organ_id, doc.promulgation_day.year)
            prev, prev_day = last.get(key, (0, None))
            u = rng.random()
            if prev and prev_day != doc.promulgation_day and u < c.number_duplicate_share:
                number = prev  # the same number again, on another day (so the DocumentIds still differ)
                self.number_duplicates.add((*key, number))
            elif prev and u > 1 - c.number_gap_share:
                number = prev + 2
                self.number_gaps.add((*key, prev + 1))
            else:
                number = prev + 1
            last[key] = (number, doc.promulgation_day)
            doc.number = number
            t = doc.type_name
            prefix = NOTATION_TYPOS[t] if doc.notation_typo else DOCUMENT_TYPES_BY_NAME[t].abbreviation
            doc.notation = f"{doc.sender.abbreviation}-VP" if prefix is None else f"{prefix}-{doc.sender.abbreviation}"

    def _later_versions(self, docs: list[Document]) -> list[Document]:
        """Revocations and updates (same DocumentId) and replacements (a new document naming the old one)."""
        c, rng = self.config, self.rng
        out = []
        for doc in docs:
            if doc.case_key or doc.date_typo:
                continue
            u = rng.random()
            later = doc.sent_at + int(rng.integers(86400, 5 * 86400))
            if u < c.revoke_share:
                out.append(Document(f"{doc.message_id}-thuhoi", later, doc.sender, doc.receivers, doc.type_name,
                                    f"Thu hồi: {doc.subject}", doc.promulgation_day, business_type=1, original=doc,
                                    signed=doc.signed))
            elif u < c.revoke_share + c.update_share:
                out.append(Document(f"{doc.message_id}-capnhat", later, doc.sender, doc.receivers, doc.type_name,
                                    f"{doc.subject} (cập nhật)", doc.promulgation_day, doc.due_day,
                                    business_type=2, original=doc, attachments=doc.attachments, signed=doc.signed))
            elif u < c.revoke_share + c.update_share + c.replace_share:
                out.append(Document(f"{doc.message_id}-thaythe", later, doc.sender, doc.receivers, doc.type_name,
                                    f"{doc.subject} (thay thế)", _day(later), doc.due_day, business_type=3,
                                    original=doc, attachments=doc.attachments))
        return out

    def _statuses(self, doc: Document) -> None:
        """The receivers' handling of ``doc``: 01 arrived, 03 registered, 04 assigned, 05 processing, 06 done."""
        r = random.Random(f"{self.dossiers.config.seed}/{doc.message_id}")
        if doc.business_type in (1, 2):
            if doc.business_type == 1:  # the sender asks for the document back; the receiver agrees
                doc.statuses.append((doc.sent_at, "13", doc.sender))
                doc.statuses.append((doc.sent_at + r.randint(600, 86400), "15", doc.receivers[0]))
            return
        for rcv in doc.receivers:
            at = doc.sent_at + r.randint(30, 1800)
            doc.statuses.append((at, "01", rcv))
            if r.random() < 0.02:
                doc.statuses.append((at + r.randint(600, 86400), "02", rcv))
                continue
            at += r.randint(600, 86400)
            doc.statuses.append((at, "03", rcv))
            if r.random() < 0.6:
                at += r.randint(600, 86400)
                doc.statuses.append((at, "04", rcv))
            if r.random() < 0.05:
                continue  # still open
            if doc.due_day is not None:
                due_end = to_epoch(_midnight(doc.due_day)) + 86400
                late = r.random() < 0.15
                at = (due_end + r.randint(3600, 6 * 86400) if late
                      else max(at + 600, due_end - r.randint(600, 9 * 86400)))
            else:
                at += r.randint(3600, 8 * 86400)
            doc.statuses.append((at, "06", rcv))

    # -- views ------------------------------------------------------------------------------------------------
    def true_links(self, clock: int) -> dict[str, str]:
        """DocumentId → dossier code of the case documents visible at ``clock`` (the reconciliation's answer key)."""
        return {doc.document_id: doc.true_dossier for doc in self.visible_documents(clock) if doc.true_dossier}

    def visible_documents(self, clock: int) -> list[Document]:
        return [doc for doc in self.documents if doc.sent_at < clock]

    def visible_statuses(self, clock: int) -> list[Status]:
        return [s for s in self.statuses if s.at < clock]


def _day(epoch: int) -> date:
    return (datetime(1970, 1, 1) + timedelta(seconds=int(epoch))).date()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def _office_hours(r: random.Random, start: int, end: int) -> int:
    """A random moment in [start, end) moved to 7:30-17:00 on a weekday."""
    at = r.randint(start, end - 86400)
    day = _day(at)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return max(start, to_epoch(_midnight(day)) + r.randint(7 * 3600 + 1800, 17 * 3600))


__all__ = ["Agency", "Document", "Documents", "DocumentsConfig", "Status", "fmt_ts"]

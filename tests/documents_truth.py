"""What the document marts should say, computed in plain Python from the sandbox's own objects (no SQL shared):
which documents the warehouse keeps, their signatures, numbering breaks, on-time handling and the cases the
reconciliation should find (the links themselves are the sandbox's answer key, ``Documents.true_links``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from sandbox.documents.generator import Document, Documents


def _at(epoch: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=int(epoch))


def kept_documents(docs: Documents, clock: int) -> dict[str, list[Document]]:
    """DocumentId → the visible messages the suite lets through (a mis-dated document is quarantined)."""
    out: dict[str, list[Document]] = defaultdict(list)
    for doc in docs.visible_documents(clock):
        if not doc.date_typo:
            out[doc.document_id].append(doc)
    return out


def documents_by_id(docs: Documents, clock: int) -> dict[str, tuple[Document, bool]]:
    """DocumentId → (its latest new/update/replace version, revoked?)."""
    out = {}
    for doc_id, msgs in kept_documents(docs, clock).items():
        versions = [m for m in msgs if m.business_type in (0, 2, 3)]
        if versions:
            latest = max(versions, key=lambda m: (m.sent_at, m.message_id))
            out[doc_id] = (latest, any(m.business_type == 1 for m in msgs))
    return out


def signatures_per_month(docs: Documents, clock: int) -> dict[date, tuple[int, int]]:
    """Promulgation month → (documents sent, signed), revoked documents left out."""
    return _signatures(docs, clock, lambda doc: doc.promulgation_day.replace(day=1))


def signatures_per_sender_month(docs: Documents, clock: int) -> dict[tuple[str, date], tuple[int, int]]:
    """(sending agency's organ id, promulgation month) → (documents sent, signed), revoked documents left out."""
    return _signatures(docs, clock, lambda doc: (doc.sender.organ_id, doc.promulgation_day.replace(day=1)))


def _signatures(docs: Documents, clock: int, key) -> dict:
    acc: dict = defaultdict(Counter)
    for latest, revoked in documents_by_id(docs, clock).values():
        if revoked:
            continue
        acc[key(latest)]["sent"] += 1
        acc[key(latest)]["signed"] += latest.signed
    return {k: (c["sent"], c["signed"]) for k, c in acc.items()}


def number_issues(docs: Documents, clock: int) -> set[tuple[str, int, int, str]]:
    """(agency, year, number, duplicate|gap) over the kept documents."""
    seen: dict[tuple[str, int], list[int]] = defaultdict(list)
    for latest, _ in documents_by_id(docs, clock).values():
        number = latest.code[0]
        seen[(latest.sender.organ_id, latest.promulgation_day.year)].append(number)
    issues = set()
    for (agency, year), numbers in seen.items():
        counts = Counter(numbers)
        issues |= {(agency, year, n, "duplicate") for n, c in counts.items() if c > 1}
        issues |= {(agency, year, n, "gap") for n in range(min(numbers) + 1, max(numbers)) if n not in counts}
    return issues


def handling_per_month(docs: Documents, clock: int) -> dict[date, tuple[int, int, int]]:
    """Arrival month → (on time, late, open overdue) over the receipts of non-revoked documents."""
    statuses = docs.visible_statuses(clock)
    as_of = _at(max(s.at for s in statuses)).date()
    events: dict[tuple[str, str], list] = defaultdict(list)
    for s in statuses:
        events[(s.document.document_id, s.sender.organ_id)].append(s)
    first_sent = {}
    for doc_id, msgs in kept_documents(docs, clock).items():
        first_sent[doc_id] = min(m.sent_at for m in msgs if m.business_type in (0, 2, 3)) if any(
            m.business_type in (0, 2, 3) for m in msgs) else None
    acc: dict[date, Counter] = defaultdict(Counter)
    for doc_id, (latest, revoked) in documents_by_id(docs, clock).items():
        if revoked:
            continue
        for receiver in latest.receivers:
            evs = events.get((doc_id, receiver.organ_id), [])
            codes = {s.code: s.at for s in sorted(evs, key=lambda s: s.at)}
            arrived = min((s.at for s in evs if s.code == "01"), default=first_sent[doc_id])
            finished = max((s.at for s in evs if s.code == "06"), default=None)
            month = _at(arrived).date().replace(day=1)
            due = latest.due_day
            if "02" in codes or due is None:
                continue
            if finished is not None:
                acc[month]["on_time" if _at(finished).date() <= due else "late"] += 1
            elif as_of > due:
                acc[month]["open_overdue"] += 1
    return {m: (c["on_time"], c["late"], c["open_overdue"]) for m, c in acc.items()}


def document_only_cases(docs: Documents, clock: int) -> int:
    return len({d.case_key for d in docs.visible_documents(clock) if d.case_key and not d.true_dossier})


def dossiers_keyed_twice(docs: Documents, clock: int) -> int:
    copies = Counter(d.true_dossier for d in docs.visible_documents(clock) if d.true_dossier)
    return sum(1 for n in copies.values() if n > 1)

"""The raw personal data a warehouse holds - citizen IDs and full names as entered - for tests that prove it does
not leak into marts, reports or documentation."""

from __future__ import annotations

import re
from pathlib import Path


def raw_personal_data(warehouse) -> tuple[set[str], set[str]]:
    """(citizen/CMND numbers, full names) found in the restricted raw schemas."""
    ids = {r[0] for r in warehouse.query(
        "select x from raw_civil_status.births, unnest(array[mesogiaytotuythan, chasogiaytotuythan, "
        "nycsogiaytotuythan, sodinhdanh]) x where x is not null union select nktsogiaytotuythan from "
        "raw_civil_status.deaths union select sogiaytochuhoso from raw_onestop.dossiers")[1]}
    names = {r[0] for r in warehouse.query(
        "select x from raw_civil_status.births, unnest(array[nkshoten, mehoten, chahoten, nychoten]) x "
        "where x is not null union select chuhoso from raw_onestop.dossiers")[1]}
    return {i for i in ids if i}, {n for n in names if n}


def leaks_in_text(text: str, ids: set[str], names: set[str]) -> list[str]:
    """Raw IDs appearing as a standalone digit run, and full names (two words or more) appearing anywhere."""
    found = [d for d in re.findall(r"(?<![0-9])[0-9]{9,12}(?![0-9])", text) if d in ids]
    found += [n for n in names if n.count(" ") >= 1 and n in text]
    return found


def leaks_in_files(paths: list[Path], ids: set[str], names: set[str]) -> dict[str, list[str]]:
    out = {}
    for p in paths:
        text = p.read_bytes().decode("utf-8", errors="replace")
        if p.suffix == ".pdf":
            from pypdf import PdfReader

            text = "\n".join(page.extract_text() or "" for page in PdfReader(p).pages)
        found = leaks_in_text(text, ids, names)
        if found:
            out[str(p)] = found[:5]
    return out

"""DDL of the append-only raw tables, generated from each registered source's stream contracts (one definition).

Every raw table carries ``_batch_id``, ``_row_num`` and ``_extracted_at`` ahead of its contract columns; values are
text as received, a stream's ``json_columns`` are json text (json, not jsonb: the text is kept exactly as received
and COPY skips jsonb's conversion). A column a contract gains later is added to the existing table (rows landed
before read as null); a column is never dropped or retyped here — that is a numbered migration.
"""

from __future__ import annotations

from collections.abc import Iterable

from kho.core.sources import Source, registered_sources


def raw_table_ddl(qualified: str, columns: Iterable[str], json_columns: Iterable[str] = ()) -> str:
    as_json = set(json_columns)
    columns = list(columns)
    types = {c: "json" if c in as_json else "text" for c in columns}
    cols = ",\n    ".join(f"{c} {types[c]}" for c in columns)
    added = "".join(f"\nalter table {qualified} add column if not exists {c} {types[c]};" for c in columns)
    return (f"create table if not exists {qualified} (\n    _batch_id text not null,\n"
            f"    _row_num integer not null,\n    _extracted_at timestamptz not null,\n    {cols},\n"
            f"    primary key (_batch_id, _row_num)\n);{added}")


def source_ddl(source: Source) -> str:
    """The source's restricted raw schema and one table per stream."""
    tables = [raw_table_ddl(s.raw_table(source).qualified, s.columns, s.json_columns) for s in source.streams]
    return "\n".join([f"create schema if not exists {source.raw_schema};", *tables])


def contract_ddl() -> str:
    """The raw tables of every registered source, in name order."""
    return "\n".join(source_ddl(s) for _, s in sorted(registered_sources().items()))

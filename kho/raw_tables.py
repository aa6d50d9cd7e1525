"""DDL of the append-only raw tables, generated from each connector's schema contract (one source of truth).

Every raw table carries ``_batch_id``, ``_row_num`` and ``_extracted_at`` ahead of its contract columns; values are
text as received, the columns named in ``json_columns`` are json text.
"""

from __future__ import annotations

from collections.abc import Iterable


def raw_table_ddl(qualified: str, columns: Iterable[str], json_columns: Iterable[str] = ()) -> str:
    as_json = set(json_columns)
    cols = ",\n    ".join(f"{c} {'json' if c in as_json else 'text'}" for c in columns)
    return (f"create table if not exists {qualified} (\n    _batch_id text not null,\n"
            f"    _row_num integer not null,\n    _extracted_at timestamptz not null,\n    {cols},\n"
            f"    primary key (_batch_id, _row_num)\n);")


def contract_ddl() -> str:
    """The raw tables of the connectors whose contracts generate them (the one-stop table is in bootstrap.sql)."""
    from connectors.civil_status.schema import KIND_OF, raw_columns
    from connectors.documents.schema import COLUMNS

    tables = [raw_table_ddl(f"raw_documents.{stream}", cols) for stream, cols in COLUMNS.items()]
    tables += [raw_table_ddl(f"raw_civil_status.{stream}", raw_columns(kind), ["_extra"])
               for stream, kind in KIND_OF.items()]
    return "\n".join(tables)

"""``python -m sandbox.documents``: serve the sandbox document axis until interrupted, or write a drop folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from kho.core.settings import get_settings
from sandbox.documents.server import DocumentServer, SandboxDocumentSystem
from sandbox.onestop.generator import Dossiers, SandboxConfig


def main() -> None:
    s = get_settings()
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=8766)
    ap.add_argument("--dossiers", type=int, default=s.sandbox_dossiers,
                    help="Size of the one-stop sandbox the documents refer to (same seed as its sandbox).")
    ap.add_argument("--seed", type=int, default=s.sandbox_seed)
    ap.add_argument("--fail-every", type=int, default=0)
    ap.add_argument("--write-folder", type=Path, help="Write every message as .edxml files here and exit.")
    a = ap.parse_args()
    config = SandboxConfig.from_settings(s, seed=a.seed, dossiers=a.dossiers)
    app = SandboxDocumentSystem(Dossiers(config), token=s.documents_token.get_secret_value(), fail_every=a.fail_every)
    if a.write_folder:
        print(f"wrote {len(app.write_drop_folder(a.write_folder)):,} .edxml files to {a.write_folder}")
        return
    DocumentServer(app, a.port).serve_until_interrupted(
        f"sandbox document axis ({len(app.documents.documents):,} documents)")


if __name__ == "__main__":
    main()

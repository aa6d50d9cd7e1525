"""``python -m sandbox.land``: serve the sandbox land-registration system (and optionally write its monthly CSV
exports into a drop folder first) until interrupted."""

from __future__ import annotations

import argparse
from pathlib import Path

from kho.core.settings import get_settings
from sandbox.land.generator import LandRegistry
from sandbox.land.server import LandServer, LandService
from sandbox.onestop.generator import Dossiers, SandboxConfig


def main() -> None:
    s = get_settings()
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=8769)
    ap.add_argument("--dossiers", type=int, default=s.sandbox_dossiers)
    ap.add_argument("--seed", type=int, default=s.sandbox_seed)
    ap.add_argument("--write-exports", type=Path, help="Write the monthly CSV exports here first.")
    a = ap.parse_args()
    registry = LandRegistry(Dossiers(SandboxConfig.from_settings(s, seed=a.seed, dossiers=a.dossiers)))
    app = LandService(registry, token=s.land_token.get_secret_value())
    if a.write_exports:
        files = registry.write_exports(a.write_exports, app.clock)
        print(f"wrote {len(files):,} land-registration export files to {a.write_exports}", flush=True)
    LandServer(app, a.port).serve_until_interrupted(
        f"sandbox land-registration system ({len(registry.transactions):,} transactions)")


if __name__ == "__main__":
    main()

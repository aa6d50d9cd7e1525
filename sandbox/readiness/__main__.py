"""``python -m sandbox.readiness``: serve the sandbox Plan 02 monitoring system (and optionally write the file
communes' template returns into a drop folder first) until interrupted."""

from __future__ import annotations

import argparse
from pathlib import Path

from kho.core.settings import get_settings
from sandbox.onestop.generator import Dossiers, SandboxConfig
from sandbox.readiness.generator import ReadinessReturns
from sandbox.readiness.server import ReadinessServer, ReadinessService


def main() -> None:
    s = get_settings()
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=8770)
    ap.add_argument("--dossiers", type=int, default=s.sandbox_dossiers)
    ap.add_argument("--seed", type=int, default=s.sandbox_seed)
    ap.add_argument("--write-files", type=Path, help="Write the file communes' template returns here first.")
    a = ap.parse_args()
    returns = ReadinessReturns(Dossiers(SandboxConfig.from_settings(s, seed=a.seed, dossiers=a.dossiers)))
    app = ReadinessService(returns, token=s.readiness_token.get_secret_value())
    if a.write_files:
        files = returns.write_files(a.write_files, app.clock)
        print(f"wrote {len(files):,} readiness return files to {a.write_files}", flush=True)
    ReadinessServer(app, a.port).serve_until_interrupted(
        f"sandbox Plan 02 monitoring system ({len(returns.versions):,} return versions)")


if __name__ == "__main__":
    main()

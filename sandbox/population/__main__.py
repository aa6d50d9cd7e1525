"""``python -m sandbox.population``: serve the sandbox citizen-ID service (and optionally write the civil-status
exports of the same sandbox into a drop folder first) until interrupted."""

from __future__ import annotations

import argparse
from pathlib import Path

from kho.core.settings import get_settings
from sandbox.civil_status.exports import write_exports
from sandbox.civil_status.generator import Registry
from sandbox.onestop.generator import Dossiers, SandboxConfig
from sandbox.population.server import PopulationServer, PopulationService


def main() -> None:
    s = get_settings()
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=8767)
    ap.add_argument("--dossiers", type=int, default=s.sandbox_dossiers)
    ap.add_argument("--seed", type=int, default=s.sandbox_seed)
    ap.add_argument("--write-exports", type=Path, help="Write the communes' civil-status exports here first.")
    a = ap.parse_args()
    config = SandboxConfig.from_settings(s, seed=a.seed, dossiers=a.dossiers)
    registry = Registry(Dossiers(config))
    if a.write_exports:
        files = write_exports(registry, a.write_exports, config.end_date)
        print(f"wrote {len(files):,} civil-status export files to {a.write_exports}", flush=True)
    app = PopulationService(registry, token=s.population_token.get_secret_value())
    PopulationServer(app, a.port).serve_until_interrupted(
        f"sandbox population service ({len(registry.population):,} people)")


if __name__ == "__main__":
    main()

"""``python -m sandbox.land``: serve the sandbox land-registration system (and optionally write its monthly CSV
exports into a drop folder first) until interrupted."""

from __future__ import annotations

from sandbox.cli import sandbox_arguments
from sandbox.land.generator import LandRegistry
from sandbox.land.server import LandServer, LandService


def main() -> None:
    s, a, dossiers = sandbox_arguments(__doc__, 8769, ("--write-exports", "Write the monthly CSV exports here first."))
    registry = LandRegistry(dossiers)
    app = LandService(registry, token=s.land_token.get_secret_value())
    if a.write_exports:
        files = registry.write_exports(a.write_exports, app.clock)
        print(f"wrote {len(files):,} land-registration export files to {a.write_exports}", flush=True)
    LandServer(app, a.port).serve_until_interrupted(
        f"sandbox land-registration system ({len(registry.transactions):,} transactions)")


if __name__ == "__main__":
    main()

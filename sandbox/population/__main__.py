"""``python -m sandbox.population``: serve the sandbox citizen-ID service (and optionally write the civil-status
exports of the same sandbox into a drop folder first) until interrupted."""

from __future__ import annotations

from sandbox.civil_status.exports import write_exports
from sandbox.civil_status.generator import Registry
from sandbox.cli import sandbox_arguments
from sandbox.population.server import PopulationServer, PopulationService


def main() -> None:
    s, a, dossiers = sandbox_arguments(
        __doc__, 8767, ("--write-exports", "Write the communes' civil-status exports here first."))
    registry = Registry(dossiers)
    if a.write_exports:
        files = write_exports(registry, a.write_exports, dossiers.config.end_date)
        print(f"wrote {len(files):,} civil-status export files to {a.write_exports}", flush=True)
    app = PopulationService(registry, token=s.population_token.get_secret_value())
    PopulationServer(app, a.port).serve_until_interrupted(
        f"sandbox population service ({len(registry.population):,} people)")


if __name__ == "__main__":
    main()

"""``python -m sandbox.catalogue``: serve the sandbox procedure catalogue (and optionally write the province's
export of it into a drop folder first) until interrupted."""

from __future__ import annotations

from sandbox.catalogue.generator import CatalogueRegistry
from sandbox.catalogue.server import CatalogueServer, CatalogueService
from sandbox.cli import sandbox_arguments


def main() -> None:
    s, a, dossiers = sandbox_arguments(
        __doc__, 8772, ("--write-files", "Write the province's export of the catalogue here first."))
    registry = CatalogueRegistry(dossiers)
    app = CatalogueService(registry, token=s.catalogue_token.get_secret_value())
    if a.write_files:
        print(f"wrote {registry.write_export(a.write_files, app.clock)}", flush=True)
    CatalogueServer(app, a.port).serve_until_interrupted(
        f"sandbox procedure catalogue ({len(registry.records):,} procedures)")


if __name__ == "__main__":
    main()

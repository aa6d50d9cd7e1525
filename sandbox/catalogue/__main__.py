"""``python -m sandbox.catalogue``: serve the sandbox procedure catalogue until interrupted, or, with
``--export-only DIR``, write the province's export of it into a drop folder and exit."""

from __future__ import annotations

from sandbox.catalogue.generator import CatalogueRegistry
from sandbox.catalogue.server import CatalogueServer, CatalogueService
from sandbox.cli import sandbox_arguments


def main() -> None:
    s, a, dossiers = sandbox_arguments(
        __doc__, 8772, ("--export-only", "Write the province's export of the catalogue here, then exit."))
    registry = CatalogueRegistry(dossiers)
    app = CatalogueService(registry, token=s.catalogue_token.get_secret_value())
    if a.export_only:
        print(f"wrote {registry.write_export(a.export_only, app.clock)}", flush=True)
        return
    CatalogueServer(app, a.port).serve_until_interrupted(
        f"sandbox procedure catalogue ({len(registry.records):,} procedures)")


if __name__ == "__main__":
    main()

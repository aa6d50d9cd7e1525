"""``python -m sandbox.judicial``: serve the sandbox judicial-record system until interrupted."""

from __future__ import annotations

from sandbox.cli import sandbox_arguments
from sandbox.judicial.generator import JudicialRegistry
from sandbox.judicial.server import JudicialServer, JudicialService


def main() -> None:
    s, a, dossiers = sandbox_arguments(__doc__, 8768)
    registry = JudicialRegistry(dossiers)
    app = JudicialService(registry, token=s.judicial_token.get_secret_value())
    JudicialServer(app, a.port).serve_until_interrupted(
        f"sandbox judicial-record system ({len(registry.requests):,} requests)")


if __name__ == "__main__":
    main()

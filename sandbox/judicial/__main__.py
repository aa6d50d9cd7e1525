"""``python -m sandbox.judicial``: serve the sandbox judicial-record system until interrupted."""

from __future__ import annotations

import argparse

from kho.core.settings import get_settings
from sandbox.judicial.generator import JudicialRegistry
from sandbox.judicial.server import JudicialServer, JudicialService
from sandbox.onestop.generator import Dossiers, SandboxConfig


def main() -> None:
    s = get_settings()
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=8768)
    ap.add_argument("--dossiers", type=int, default=s.sandbox_dossiers)
    ap.add_argument("--seed", type=int, default=s.sandbox_seed)
    a = ap.parse_args()
    registry = JudicialRegistry(Dossiers(SandboxConfig.from_settings(s, seed=a.seed, dossiers=a.dossiers)))
    app = JudicialService(registry, token=s.judicial_token.get_secret_value())
    JudicialServer(app, a.port).serve_until_interrupted(
        f"sandbox judicial-record system ({len(registry.requests):,} requests)")


if __name__ == "__main__":
    main()

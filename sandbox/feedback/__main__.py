"""``python -m sandbox.feedback``: serve the sandbox feedback (PAKN) and rating system until interrupted."""

from __future__ import annotations

import argparse

from kho.core.settings import get_settings
from sandbox.feedback.generator import FeedbackRegistry
from sandbox.feedback.server import FeedbackServer, FeedbackService
from sandbox.onestop.generator import Dossiers, SandboxConfig


def main() -> None:
    s = get_settings()
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=8771)
    ap.add_argument("--dossiers", type=int, default=s.sandbox_dossiers)
    ap.add_argument("--seed", type=int, default=s.sandbox_seed)
    a = ap.parse_args()
    registry = FeedbackRegistry(Dossiers(SandboxConfig.from_settings(s, seed=a.seed, dossiers=a.dossiers)))
    app = FeedbackService(registry, token=s.feedback_token.get_secret_value())
    FeedbackServer(app, a.port).serve_until_interrupted(
        f"sandbox feedback system ({len(registry.items):,} feedback items, {len(registry.ratings):,} ratings)")


if __name__ == "__main__":
    main()

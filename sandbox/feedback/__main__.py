"""``python -m sandbox.feedback``: serve the sandbox feedback (PAKN) and rating system until interrupted."""

from __future__ import annotations

from sandbox.cli import sandbox_arguments
from sandbox.feedback.generator import FeedbackRegistry
from sandbox.feedback.server import FeedbackServer, FeedbackService


def main() -> None:
    s, a, dossiers = sandbox_arguments(__doc__, 8771)
    registry = FeedbackRegistry(dossiers)
    app = FeedbackService(registry, token=s.feedback_token.get_secret_value())
    FeedbackServer(app, a.port).serve_until_interrupted(
        f"sandbox feedback system ({len(registry.items):,} feedback items, {len(registry.ratings):,} ratings)")


if __name__ == "__main__":
    main()

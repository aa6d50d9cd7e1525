"""``python -m sandbox.onestop``: serve the sandbox one-stop system until interrupted."""

from __future__ import annotations

import argparse

from kho.core.settings import get_settings
from sandbox.onestop.generator import SandboxConfig, fmt_ts
from sandbox.onestop.server import SandboxOneStop, SandboxServer


def main() -> None:
    s = get_settings()
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--dossiers", type=int, default=s.sandbox_dossiers)
    ap.add_argument("--seed", type=int, default=s.sandbox_seed)
    ap.add_argument("--dirty-share", type=float, default=s.sandbox_dirty_share)
    ap.add_argument("--fail-every", type=int, default=0)
    ap.add_argument("--hold-back", type=int, default=0, metavar="K",
                    help="start with the clock where the last K changes are still to come (POST /admin/release)")
    ap.add_argument("--prerender", action="store_true",
                    help="render every visible dossier once before serving, and serve pages as bytes (kho bench)")
    a = ap.parse_args()
    config = SandboxConfig.from_settings(s, seed=a.seed, dossiers=a.dossiers, dirty_share=a.dirty_share)
    app = SandboxOneStop(config, token=s.onestop_token.get_secret_value(), fail_every=a.fail_every,
                         prerendered_pages=a.prerender)
    if a.hold_back:
        app.hold_back(a.hold_back)
    if a.prerender:
        app.prerender()
    SandboxServer(app, a.port).serve_until_interrupted(
        f"sandbox one-stop system ({config.dossiers} dossiers, clock {fmt_ts(app.clock)})")


if __name__ == "__main__":
    main()

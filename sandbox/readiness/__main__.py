"""``python -m sandbox.readiness``: serve the sandbox Plan 02 monitoring system (and optionally write the file
communes' template returns into a drop folder first) until interrupted."""

from __future__ import annotations

from sandbox.cli import sandbox_arguments
from sandbox.readiness.generator import ReadinessReturns
from sandbox.readiness.server import ReadinessServer, ReadinessService


def main() -> None:
    s, a, dossiers = sandbox_arguments(
        __doc__, 8770, ("--write-files", "Write the file communes' template returns here first."))
    returns = ReadinessReturns(dossiers)
    app = ReadinessService(returns, token=s.readiness_token.get_secret_value())
    if a.write_files:
        files = returns.write_files(a.write_files, app.clock)
        print(f"wrote {len(files):,} readiness return files to {a.write_files}", flush=True)
    ReadinessServer(app, a.port).serve_until_interrupted(
        f"sandbox Plan 02 monitoring system ({len(returns.versions):,} return versions)")


if __name__ == "__main__":
    main()

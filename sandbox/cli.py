"""What every ``python -m sandbox.<system>`` entry point parses: its port, the one-stop sandbox it is tied to (size
and seed, from the settings unless given), and optionally a folder to write the system's files into first."""

from __future__ import annotations

import argparse
from pathlib import Path

from kho.core.settings import KhoSettings, get_settings
from sandbox.onestop.generator import Dossiers, SandboxConfig


def sandbox_arguments(description: str, port: int,
                      folder: tuple[str, str] | None = None) -> tuple[KhoSettings, argparse.Namespace, Dossiers]:
    """(settings, arguments, the one-stop sandbox's dossiers); ``folder``: an option name and its help."""
    s = get_settings()
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--port", type=int, default=port)
    ap.add_argument("--dossiers", type=int, default=s.sandbox_dossiers)
    ap.add_argument("--seed", type=int, default=s.sandbox_seed)
    if folder:
        ap.add_argument(folder[0], type=Path, help=folder[1])
    a = ap.parse_args()
    return s, a, Dossiers(SandboxConfig.from_settings(s, seed=a.seed, dossiers=a.dossiers))

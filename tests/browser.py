"""Chromium for the report tests: Debian's browser driven by Playwright (nothing downloaded), and the folder the
screenshots are kept in."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def launch_chromium(playwright):
    """Debian's chromium, headless, with no network chatter of its own."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail("Debian's chromium is not installed: `bash scripts/test.sh` installs it")
    return playwright.chromium.launch(executable_path=chromium, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"])


def artifacts_dir() -> Path:
    """Where the tests keep their screenshots (KHO_TEST_ARTIFACTS, else test-artifacts/ in the checkout)."""
    path = Path(os.environ.get("KHO_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path

"""`kho bench` at a small N, end to end in its own process (its own throwaway warehouse and sandbox), so it cannot
silently break again: every stage runs and the table is printed."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

import pytest

from kho.core.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration


def test_kho_bench_runs_every_stage_at_a_small_n():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("KHO_HOME", "KHO_EMBEDDED_PORT", "KHO_ONESTOP_URL")}
    env["COLUMNS"] = "160"
    out = subprocess.run([sys.executable, "-m", "kho.cli", "bench", "--dossiers", "1500", "--port", str(port)],
                         cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    for stage in ("extract+land", "load", "validate", "transform", "reports"):
        assert re.search(rf"^\s*│?\s*{re.escape(stage)}\s", out.stdout, re.M), (stage, out.stdout[-2000:])
    assert "kho bench --dossiers 1,500" in out.stdout

"""`kho bench` at a small N, end to end in its own process (its own throwaway warehouse and sandbox), so it cannot
silently break again: every stage of the full and the incremental run runs and the table is printed."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kho.core.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration


def _marts_digest(home, database: str | None = None, *, then: str | None = None) -> tuple[str, str]:
    """What the one-stop chain ends in, every row: the dossiers as judged and the 766 indicators; ``then``, a
    statement run after reading them."""
    from dataclasses import replace

    from kho.core.settings import KhoSettings
    from kho.core.warehouse import Warehouse

    wh = Warehouse.reach(KhoSettings(home=home, embedded_port=None, embedded_mode="start"))  # a socket only
    digest = "select count(*) || ':' || md5(string_agg(t::text, '|' order by t::text)) from {} as t"
    try:
        at = replace(wh, dbname=database) if database else wh
        out = tuple(at.query(digest.format(m))[1][0][0]
                    for m in ("marts.fct_dossiers", "marts.service_index_766_indicators"))
        if then:
            with at.connect(autocommit=True) as conn:
                conn.execute(then)
        return out
    finally:
        wh.close()


def test_kho_bench_runs_every_stage_at_a_small_n(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("KHO_HOME", "KHO_EMBEDDED_PORT", "KHO_ONESTOP_URL")}
    env["COLUMNS"] = "200"
    env["KHO_HOME"] = str(tmp_path)  # where the history CSV goes (the bench's warehouse is a throwaway of its own)
    out = subprocess.run([sys.executable, "-m", "kho.cli", "bench", "--dossiers", "1500", "--port", str(port),
                          "--vs", "dlt", "--snapshot"],
                         cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    for stage in ("extract+land", "load", "validate", "transform", "reports"):
        assert re.search(rf"^\s*│?\s*{re.escape(stage)}\s", out.stdout, re.M), (stage, out.stdout[-2000:])
    assert "kho bench --dossiers 1,500" in out.stdout
    assert re.search(r"^\s*│?\s*load\s.*x bare ADBC ingest", out.stdout, re.M), out.stdout[-2000:]
    # the extract against a plain reader of the same pages (httpx, dicts, from_pylist, Parquet), same run
    assert re.search(r"^\s*│?\s*extract\+land\s.*x plain reader", out.stdout, re.M), out.stdout[-2000:]
    assert re.search(r"^\s*│?\s*validate\s.*x rules as one SQL pass", out.stdout, re.M), out.stdout[-2000:]
    # dlt read the same pages (the bench refuses an anchor on other data) and is set against extract+load
    assert re.search(r"^\s*│?\s*extract\+load\s.*x dlt, same pages", out.stdout, re.M), out.stdout[-2000:]
    import csv

    with open(tmp_path / "bench-runs.csv", encoding="utf-8") as f:
        runs = list(csv.DictReader(f))
    stages = ["extract+land", "load", "validate", "transform", "reports"]
    assert [r["stage"] for r in runs] == stages + ["extract+load"] + [f"1% {st}" for st in stages]
    assert all(r["dossiers"] == "1500" and float(r["seconds"]) > 0 for r in runs)
    assert float(next(r for r in runs if r["stage"] == "load")["ratio"]) > 0
    # the connector's own CPU time (the per-core throughput the extract is judged by)
    assert float(next(r for r in runs if r["stage"] == "extract+land")["kho_cpu_seconds"]) > 0
    # the incremental run reads the 15 held-back changes (and what the window's lag reads again), not everything
    rows = {r["stage"]: int(r["rows"]) for r in runs}
    assert rows["extract+land"] > 1400 and 15 <= rows["1% extract+land"] < rows["extract+land"] / 4
    assert re.search(r"^\s*│?\s*summed\s.*%", out.stdout, re.M), out.stdout[-2000:]
    # --snapshot kept the warehouse as it stood before the incremental transform: replayed, the transform ends in
    # the marts the bench's own incremental run left, row for row, and the reports run after it
    kept = Path(re.search(r"^kept: (\S+)", out.stdout, re.M)[1])
    try:
        from kho.bench_replay import SNAPSHOT_DB

        # (the judged dossiers emptied after reading them: only a restored snapshot brings the untouched ones back)
        after_bench = _marts_digest(kept, then="truncate marts.fct_dossiers")
        assert _marts_digest(kept, SNAPSHOT_DB) != after_bench  # the snapshot predates the incremental transform
        replayed = subprocess.run([sys.executable, "-m", "kho.cli", "bench-replay", str(kept)], cwd=PROJECT_ROOT,
                                  env=env, capture_output=True, text=True, timeout=300)
        assert replayed.returncode == 0, replayed.stderr[-3000:]
        assert re.search(r"^1/1 1% transform\s+[\d.]+ s$", replayed.stdout, re.M), replayed.stdout
        assert re.search(r"^1/1 1% reports\s+[\d.]+ s$", replayed.stdout, re.M), replayed.stdout
        assert _marts_digest(kept) == after_bench
    finally:
        shutil.rmtree(kept, ignore_errors=True)


def test_the_one_pass_anchor_counts_what_the_suite_quarantines(make_sandbox, settings, fresh_schema):
    """The validate anchor is the same rules, not fewer: its per-rule counts equal the failures the validation run
    recorded, rule by rule."""
    from datetime import datetime

    from connectors.onestop.suite import suite
    from kho.bench_anchors import one_pass_seconds
    from kho.pipeline import extract, load, validate

    srv = make_sandbox(dossiers=800, dirty_share=0.1)
    here = settings.model_copy(update={"onestop_url": srv.url})
    [summary] = validate(load(extract("onestop", datetime(2026, 8, 1), settings=here), here), here)
    _, counts = one_pass_seconds(fresh_schema, suite(), summary["batch_id"])
    recorded = dict(fresh_schema.query("select rule, sum(failed)::int from dq.rule_results where run_id = %s "
                                       "group by rule", (summary["run_id"],))[1])
    assert counts[0] == summary["checked"] == 800
    by_rule = {r.name: c for r, c in zip(suite().rules, counts[1:], strict=True)}
    assert sum(by_rule.values()) > 0 and by_rule == {k: recorded.get(k, 0) for k in by_rule}


def test_a_terminated_bench_leaves_nothing_running(tmp_path):
    """SIGTERM (`kill`, a CI's timeout) stops `kho bench` as an error would: its sandbox (with its pre-rendering
    workers) and its throwaway PostgreSQL stop with it, and its throwaway home is removed."""
    import signal
    import time

    import psutil

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("KHO_HOME", "KHO_EMBEDDED_PORT", "KHO_ONESTOP_URL")}
    env["KHO_HOME"] = str(tmp_path / "home")
    # the bench's throwaway home lands here, with its PostgreSQL's socket: a short path (a socket's is at most 107
    # bytes, and pytest's tmp_path is long)
    scratch = Path(tempfile.mkdtemp(prefix="kt-"))
    env["TMPDIR"] = str(scratch)

    def started_here() -> list[psutil.Process]:
        found = []
        for p in psutil.process_iter(["cmdline"]):
            line = " ".join(p.info["cmdline"] or [])
            if p.pid != bench.pid and (f"--port {port}" in line or str(scratch) in line):
                found.append(p)
        return found

    # a million dossiers: the sandbox pre-renders for a minute or more, so the signal lands while the bench waits for
    # it (a sandbox left behind would otherwise end by itself, on a broken pipe, when it finished)
    bench = subprocess.Popen([sys.executable, "-m", "kho.cli", "bench", "--dossiers", "1000000", "--port", str(port)],
                             cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        # the warehouse is up and the sandbox is pre-rendering its dossiers
        while not (any("postgres" in " ".join(p.cmdline()) for p in started_here())
                   and any("sandbox.onestop" in " ".join(p.cmdline()) for p in started_here())):
            assert bench.poll() is None and time.monotonic() < deadline, bench.stderr.read()[-2000:]
            time.sleep(0.5)
        bench.send_signal(signal.SIGTERM)
        assert bench.wait(60) == 128 + signal.SIGTERM
        deadline = time.monotonic() + 15
        while started_here() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not started_here(), [" ".join(p.cmdline()) for p in started_here()]
        assert not list(scratch.glob("kho-bench-*"))
    finally:
        if bench.poll() is None:
            os.killpg(bench.pid, signal.SIGKILL)
        for p in started_here():
            p.kill()
        shutil.rmtree(scratch, ignore_errors=True)

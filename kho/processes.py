"""Long-running child processes of the stack and the tests: each started in a session of its own (so it outlives
the command that started it and everything it forks can be found again), its output to a log file, waited for by
a line it prints, and stopped with every process of its session."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import psutil


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_detached(argv: Sequence[str], log: Path, env: Mapping[str, str], cwd: Path) -> subprocess.Popen:
    """Start ``argv`` in a new session, stdout and stderr appended to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    cwd.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(list(argv), env=dict(env), cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def wait_for(ready: Callable[[], bool], what: str, timeout: float, pid: int | None = None,
             log: Path | None = None) -> None:
    """Poll ``ready`` until it holds; fail early, with the log's tail, if process ``pid`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if pid is not None and not alive(pid):
            raise RuntimeError(f"{what}: the process exited. {log_tail(log)}")
        time.sleep(0.5)
    raise RuntimeError(f"{what}: not ready after {timeout:.0f} s. {log_tail(log)}")


def log_says(log: Path, text: str) -> Callable[[], bool]:
    return lambda: log.exists() and text in log.read_text(errors="replace")


def log_tail(log: Path | None, chars: int = 3000) -> str:
    if log is None or not log.exists():
        return ""
    return f"Last lines of {log}:\n{log.read_text(errors='replace')[-chars:]}"


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def session_members(sid: int) -> list[psutil.Process]:
    """Every live process of session ``sid`` (a leader started by start_detached and all it forked that did not
    start a session of its own); zombies are not counted."""
    found = []
    for p in psutil.process_iter():
        with contextlib.suppress(ProcessLookupError, PermissionError, psutil.Error):
            # a zombie has ended: only its parent (init, for the orphans of `kho stack up`) can reap it
            if os.getsid(p.pid) == sid and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
    return found


def stop_session(sid: int, grace: float = 30) -> int:
    """SIGTERM to every process of session ``sid``, then SIGKILL to what is left after ``grace`` seconds; returns
    how many had to be killed."""
    return stop_sessions([sid], grace)


def stop_sessions(sids: Sequence[int], grace: float = 30) -> int:
    """stop_session for several sessions at once: one grace period for all of them."""
    def members() -> list[psutil.Process]:
        return [p for sid in sids for p in session_members(sid)]

    for p in members():
        with contextlib.suppress(psutil.Error):
            p.terminate()
    _, left = psutil.wait_procs(members(), timeout=grace)
    for p in left:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(left, timeout=10)
    for sid in sids:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(sid, os.WNOHANG)  # reap the leader when it is our child
    return len(left)


def kill_session(sid: int) -> int:
    """SIGKILL to every process of session ``sid`` at once, as if its host went away; returns how many."""
    members = session_members(sid)
    for p in members:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(members, timeout=10)
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(sid, os.WNOHANG)
    return len(members)

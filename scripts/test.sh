#!/usr/bin/env bash
# The test suite on a fresh Debian machine: uv (from PyPI), the Debian packages below, then pytest in the project's
# locked environment.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v uv >/dev/null || pip install uv
# Debian packages the tests drive: Chromium (the report browser test; no browser download) and Redis (the Celery
# broker of the `kho stack` test). RUNLEVEL=1: installing redis-server must not start a system service.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian's ${missing[*]} for the tests" >&2
  $sudo apt-get update -qq
  $sudo env RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# the locked environment with its modules compiled to bytecode once (~80 CPU-s on a fresh clone): the suite starts
# hundreds of Python processes (Airflow's components and task processes, CLI calls, sandboxes, the bench), and where
# the environment sets PYTHONDONTWRITEBYTECODE each of them would otherwise compile what it imports from source
# (Airflow alone ~4 CPU-s a process on this machine)
uv sync --frozen --compile-bytecode -q
# two workers (2 cores): the modules on the shared e2e run go to one worker, other modules whole to either
# (tests/conftest.py); `-n 0` runs everything in this process
exec uv run --frozen pytest -n "${KHO_TEST_WORKERS:-2}" --no-loadscope-reorder "$@"

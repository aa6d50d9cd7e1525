#!/usr/bin/env bash
# The test suite on a fresh Debian machine: uv (from PyPI), Debian's Chromium for the browser test (no browser
# download: the test drives /usr/bin/chromium), then pytest in the project's locked environment.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v uv >/dev/null || pip install uv
if ! command -v chromium >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian's chromium for the report browser test" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
exec uv run --frozen pytest "$@"

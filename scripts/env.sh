#!/usr/bin/env bash
# Creates (or reuses) the two pinned environments and links them at .venv/engine and .venv/app.
#   engine: Python 3.10 + rasa 3.6.21 (requirements/engine.lock)
#   app:    Python >= 3.11 + rasa-sdk, FastAPI, PTB, redis, SQLAlchemy 2, Alembic (requirements/app.lock)
# Environments live in a cache keyed by the lock file's hash, so fresh clones (and CI) reuse them.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${LAPOR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lapor-aman}"
mkdir -p "$CACHE/venvs" .venv

find_python() {  # $1 = wanted minor versions, space separated, best first
  local v candidate root
  for v in $1; do
    for candidate in "python$v" ; do
      if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import venv' 2>/dev/null; then
        command -v "$candidate"; return 0
      fi
    done
    if command -v pyenv >/dev/null 2>&1; then root="$(pyenv root)"; else root="${PYENV_ROOT:-$HOME/.pyenv}"; fi
    for candidate in $(ls -d "$root"/versions/"$v".* 2>/dev/null | sort -V -r); do
      if [ -x "$candidate/bin/python$v" ]; then echo "$candidate/bin/python$v"; return 0; fi
    done
  done
  return 1
}

make_env() {  # $1 = name, $2 = python, $3 = lock file
  local name="$1" python="$2" lock="$3" key dir
  key="$(cat "$lock" | sha256sum | cut -c1-16)-$("$python" -c 'import sys;print("%d%d"%sys.version_info[:2])')"
  dir="$CACHE/venvs/$name-$key"
  if [ ! -f "$dir/.complete" ]; then
    echo "==> building the $name environment ($python) from $lock"
    rm -rf "$dir"
    "$python" -m venv "$dir"
    "$dir/bin/python" -m pip install --quiet --upgrade "pip==24.2" 2>&1 | grep -v "is ignored" || true
    "$dir/bin/python" -m pip install --quiet --no-deps -r "$lock" 2>&1 | grep -v "is ignored" || true
    "$dir/bin/python" -m pip check >/dev/null 2>&1 || { echo "pip check failed for $name:"; "$dir/bin/python" -m pip check | head -20; exit 1; }
    touch "$dir/.complete"
  fi
  ln -sfn "$dir" ".venv/$name"
}

ENGINE_PY="$(find_python 3.10)" || {
  cat >&2 <<'MSG'
Lapor Aman needs Python 3.10 for the Rasa 3.6 engine, and none was found (PATH or pyenv).
Install one, then run the command again:
  - with pyenv:   pyenv install 3.10
  - on Debian/Ubuntu: apt-get install python3.10 python3.10-venv (deadsnakes PPA on Ubuntu)
  - on macOS:     brew install python@3.10
MSG
  exit 3; }
APP_PY="$(find_python "3.11 3.12 3.13")" || {
  echo "Lapor Aman needs Python 3.11 or newer for the app environment (pyenv install 3.11, or apt-get install python3.11)." >&2
  exit 3; }

make_env engine "$ENGINE_PY" requirements/engine.lock
make_env app "$APP_PY" requirements/app.lock

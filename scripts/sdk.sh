#!/usr/bin/env bash
# Installs Kaiten's official Python SDK (kaitencloud, pinned) into ~/.cache/kaiten-sdk, once: the
# SDK test (tests/tests/kaiten_sdk.rs) drives it against the live server. Prints the venv's python.
set -euo pipefail
venv="${KAITEN_SDK_VENV:-$HOME/.cache/kaiten-sdk}"
version="1.0.0"
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('kaitencloud') != '$version')" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "kaitencloud==$version"
fi
echo "$venv/bin/python"

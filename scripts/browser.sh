#!/usr/bin/env bash
# Installs what the console's browser test drives, when missing: Debian's Chromium and ChromeDriver
# (/usr/bin/chromium, /usr/bin/chromedriver). Idempotent; needs root (or sudo) for apt-get.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "browser: installing chromium and chromium-driver"
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq
as_root apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
chromedriver --version

#!/usr/bin/env bash
# Runs every check and test: prepares PostgreSQL and RabbitMQ, installs the console test's browser and
# Kaiten's Python SDK (scripts/sdk.sh),
# then formatting, clippy (warnings are errors), the whole test suite against the real services, and
# schemathesis against the live API.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kaiten-target}
scripts/setup.sh
scripts/browser.sh
scripts/sdk.sh >/dev/null
cargo fmt --all -- --check
cargo clippy --locked --workspace --all-targets -- -D warnings
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --locked --workspace --no-fail-fast
else
  cargo test --locked --workspace --no-fail-fast
fi
# Bad input at scale against the live server and its OpenAPI document.
scripts/schemathesis.sh

#!/usr/bin/env bash
# Runs Kaiten on this machine: prepares PostgreSQL and RabbitMQ, builds, and serves on 127.0.0.1:6060
# (configuration: KAITEN_* variables, see README). Extra arguments go to `kaiten`, e.g. `org create --name Acme`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kaiten-target}
scripts/setup.sh
cargo build --release --locked --bin kaiten
exec "$CARGO_TARGET_DIR/release/kaiten" "$@"

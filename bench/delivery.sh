#!/usr/bin/env bash
# Built-in delivery engine benchmarks (release build): deliveries per second from the engine to a fast
# local receiver with 10 endpoints, then `kaiten serve` end to end (commit → receiver) at 500 events/s
# with its peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kaiten-target}
scripts/setup.sh
cargo build --release --locked -p kaiten-bench -p kaiten
bin="$CARGO_TARGET_DIR/release/kaiten-bench"
"$bin" delivery-throughput --events "${EVENTS:-5000}" --endpoints 10
"$bin" delivery-latency --kaiten "$CARGO_TARGET_DIR/release/kaiten" --rate 500 --seconds "${SECONDS_AT_RATE:-20}"

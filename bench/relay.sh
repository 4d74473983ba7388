#!/usr/bin/env bash
# Relay benchmarks (release build): backlog drain vs pg_recvlogical vs a plain lapin publisher, and
# commit → queue latency at 500 commits/s, and peak RSS while draining a backlog of 1 MB rows. Prints
# the figures recorded in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kaiten-target}
scripts/setup.sh
cargo build --release --locked -p kaiten-bench
bin="$CARGO_TARGET_DIR/release/kaiten-bench"
"$bin" relay-drain --rows "${ROWS:-100000}" --recvlogical-slot
"$bin" relay-latency --rate 500 --seconds "${SECONDS_AT_RATE:-20}"
"$bin" relay-memory --rows "${LARGE_ROWS:-2000}" --row-kib 1000
"$bin" relay-memory --rows "${LARGE_ROWS:-2000}" --row-kib 1000 --count-window-only

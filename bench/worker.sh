#!/usr/bin/env bash
# Worker benchmarks (release build): drain of 100,000 relay-format messages into a no-op sender vs a
# bare lapin consumer on the same queue, commit → WebhookSender::send latency at 500 events/s, and the
# envelope parser alone on the relay's message.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kaiten-target}
scripts/setup.sh
cargo build --release --locked -p kaiten-bench
bin="$CARGO_TARGET_DIR/release/kaiten-bench"
"$bin" worker-drain --messages "${MESSAGES:-100000}"
"$bin" worker-latency --rate 500 --seconds "${SECONDS_AT_RATE:-20}"
"$bin" envelope-parse

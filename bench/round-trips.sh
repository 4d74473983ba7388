#!/usr/bin/env bash
# What the API write's round trips to PostgreSQL cost (release build): pgbench on the API's two
# INSERTs in one transaction at 32 clients, sent as the API sends them (four round trips),
# pipelined into two and one, and as one statement (a data-modifying WITH), alternating. See
# BENCHMARKS.md, "The whole system".
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kaiten-target}
scripts/setup.sh
cargo build --release --locked -p kaiten-bench -p kaiten
"$CARGO_TARGET_DIR/release/kaiten-bench" round-trips --kaiten "$CARGO_TARGET_DIR/release/kaiten" \
  --pgbench "${PGBENCH:-pgbench}" --clients "${CLIENTS:-32}" --seconds "${SECONDS_PER_RUN:-10}" \
  --rounds "${ROUNDS:-2}"

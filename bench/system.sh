#!/usr/bin/env bash
# The whole system in one run (release build), every figure a ratio of figures from the same run:
# pgbench's single-client latency for the API's two INSERTs, the API alone at 32 closed-loop clients,
# `kaiten serve` (all roles, built-in engine) at the same load until every event is delivered (with CPU
# per delivered event of kaiten + PostgreSQL + RabbitMQ), 201 → webhook latency at half the API-alone
# rate, and fan-out to 10 endpoints. Prints the targets of BENCHMARKS.md with the measured ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kaiten-target}
scripts/setup.sh
cargo build --release --locked -p kaiten-bench -p kaiten
"$CARGO_TARGET_DIR/release/kaiten-bench" system --kaiten "$CARGO_TARGET_DIR/release/kaiten" \
  --pgbench "${PGBENCH:-pgbench}" --clients "${CLIENTS:-32}" --seconds "${SECONDS_PER_PHASE:-15}" \
  --fanout "${FANOUT:-10}"

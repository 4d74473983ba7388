#!/usr/bin/env bash
# The REST API end to end (release build): `kaiten serve` with a webhook endpoint registered through the
# API on a local receiver, `POST /api/customers` at 200/s (201 → receiver latency, peak RSS); then the
# API write rate at 32 concurrent clients, alternating with pgbench running the same two INSERTs in one
# transaction at the same concurrency on the same database.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kaiten-target}
scripts/setup.sh
cargo build --release --locked -p kaiten-bench -p kaiten
bin="$CARGO_TARGET_DIR/release/kaiten-bench"
kaiten="$CARGO_TARGET_DIR/release/kaiten"
"$bin" api-e2e --kaiten "$kaiten" --rate "${RATE:-200}" --seconds "${SECONDS_AT_RATE:-20}"
"$bin" api-write --kaiten "$kaiten" --pgbench "${PGBENCH:-pgbench}" --clients "${CLIENTS:-32}" \
  --seconds "${WRITE_SECONDS:-15}" --pgbench-protocol "${PGBENCH_PROTOCOL:-simple}"

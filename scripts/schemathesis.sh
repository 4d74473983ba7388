#!/usr/bin/env bash
# Property-based bad-input testing of the live API: schemathesis generates requests for every
# operation of /api/openapi.json (valid token, bounded examples) and fails on any 5xx or any response
# the document does not allow. Runs on its own database, removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kaiten-target}
venv="$HOME/.cache/kaiten-schemathesis"
version="4.32.5"
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$version"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$version"
fi
cargo build --locked --bin kaiten
kaiten="$CARGO_TARGET_DIR/debug/kaiten"
database="kaiten_schemathesis_$$"
export KAITEN_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database"
export KAITEN_ROLES=api KAITEN_PORT=0 KAITEN_LOG_FORMAT=json RUST_LOG=info
log=$(mktemp)
cleanup() {
  grep -E '"level":"ERROR"' "$log" | tail -20 >&2 || true
  [[ -n "${server:-}" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT
token=$("$kaiten" org create --name "Schemathesis" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
"$kaiten" serve 2>"$log" &
server=$!
address=""
for _ in $(seq 1 300); do
  address=$(grep -o 'listening on http://[^/"]*' "$log" | head -1 | sed 's|listening on http://||' || true)
  [[ -n "$address" ]] && break
  sleep 0.1
done
[[ -n "$address" ]] || { cat "$log"; echo "kaiten did not start" >&2; exit 1; }
"$venv/bin/st" run "http://$address/api/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" \
  --seed "${SCHEMATHESIS_SEED:-1}" \
  --no-color

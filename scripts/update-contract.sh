#!/usr/bin/env bash
# Rewrites the golden files of the wire contract (contract/openapi.json, contract/events/*.json) from
# the code, after a change to the API or to an event's payload that is meant. Review `git diff contract/`
# and commit it with the change.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kaiten-target}
rm -f contract/events/*.json
KAITEN_UPDATE_CONTRACT=1 cargo test --locked -p kaiten-test-support --test contract
git status --short contract/

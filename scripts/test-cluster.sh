#!/usr/bin/env bash
# The cluster tests: starts the local three-node RabbitMQ cluster (scripts/rabbitmq-cluster.sh), runs
# the tests that need it (`#[ignore]`d in the default run) against it, and stops it, leaving nothing
# behind whether they pass or fail. Takes a few minutes; `.ci/run` runs the single-node quorum
# variant instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
trap 'scripts/rabbitmq-cluster.sh stop' EXIT
scripts/rabbitmq-cluster.sh start
TEST_CLUSTER_AMQP_URLS=$(scripts/rabbitmq-cluster.sh urls) \
  cargo nextest run -p kaiten --test cluster --run-ignored only --no-capture

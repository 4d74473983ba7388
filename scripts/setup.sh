#!/usr/bin/env bash
# Makes this machine ready to run and test Kaiten, idempotently:
#  - PostgreSQL running, with wal_level=logical and room for replication slots and WAL senders
#    (the cluster is restarted only when a setting actually changed);
#  - RabbitMQ running and accepting connections on 5672, declaring classic queues with the version 2
#    storage RabbitMQ recommends (the default from RabbitMQ 4.0; 3.10 to 3.13 need
#    `classic_queue.default_version = 2`, and the node is restarted once when it was not set).
# Safe to run any number of times.
set -euo pipefail

PGHOST_ADDR=${PGHOST_ADDR:-127.0.0.1}
PGUSER_NAME=${PGUSER_NAME:-postgres}
psql_cmd() { psql -h "$PGHOST_ADDR" -U "$PGUSER_NAME" -d postgres -XAtq "$@"; }

cluster_version() { ls /etc/postgresql | sort -V | tail -n 1; }

wait_for() { # description, attempts, command...
  local what=$1 attempts=$2; shift 2
  for _ in $(seq "$attempts"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "setup: $what did not come up" >&2
  return 1
}

ensure_postgres_running() {
  if ! pg_isready -h "$PGHOST_ADDR" -q; then
    echo "setup: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(cluster_version)" main start || true
    wait_for "PostgreSQL" 60 pg_isready -h "$PGHOST_ADDR" -q
  fi
}

ensure_logical_replication() {
  local changed=0
  declare -A wanted=([wal_level]=logical [max_replication_slots]=64 [max_wal_senders]=64)
  for name in "${!wanted[@]}"; do
    local current
    current=$(psql_cmd -c "SELECT setting FROM pg_settings WHERE name = '$name'")
    if [ "$name" = wal_level ]; then
      [ "$current" = logical ] && continue
    elif [ "$current" -ge "${wanted[$name]}" ]; then
      continue
    fi
    psql_cmd -c "ALTER SYSTEM SET $name = '${wanted[$name]}'"
    changed=1
  done
  if [ "$changed" = 1 ]; then
    echo "setup: restarting PostgreSQL for logical replication"
    pg_ctlcluster --skip-systemctl-redirect "$(cluster_version)" main restart
    wait_for "PostgreSQL" 60 pg_isready -h "$PGHOST_ADDR" -q
  fi
  local level
  level=$(psql_cmd -c "SHOW wal_level")
  if [ "$level" != logical ]; then
    echo "setup: wal_level is still '$level'; PostgreSQL must run with wal_level=logical" >&2
    exit 1
  fi
}

rabbitmq_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }

ensure_rabbitmq_running() {
  if ! rabbitmq_up; then
    echo "setup: starting RabbitMQ"
    rabbitmq-server -detached || true
    wait_for "RabbitMQ" 120 rabbitmq_up
  fi
}

RABBITMQ_CONF=${RABBITMQ_CONF:-/etc/rabbitmq/rabbitmq.conf}

classic_queue_version() {
  rabbitmqctl eval 'application:get_env(rabbit, classic_queue_default_version).' </dev/null 2>/dev/null | tr -d '\n '
}

# Classic queues v2 cost the broker less per persistent message than v1 (BENCHMARKS.md). Nothing on
# the client side asks for it, so a queue declared by a Dapr sidecar with the same arguments still
# matches. Queues that already exist keep their version.
ensure_classic_queues_v2() {
  local version
  version=$(classic_queue_version)
  if [ "$version" = "{ok,2}" ] || ! rabbitmqctl status </dev/null 2>/dev/null | grep -q 'RabbitMQ version: 3\.'; then
    return 0
  fi
  if ! grep -qs '^classic_queue.default_version *= *2' "$RABBITMQ_CONF"; then
    sed -i '/^classic_queue.default_version/d' "$RABBITMQ_CONF" 2>/dev/null || true
    echo 'classic_queue.default_version = 2' >>"$RABBITMQ_CONF"
  fi
  echo "setup: restarting RabbitMQ for classic queues v2"
  rabbitmqctl stop </dev/null >/dev/null 2>&1 || true
  wait_for "RabbitMQ to stop" 60 bash -c '! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null'
  ensure_rabbitmq_running
  wait_for "RabbitMQ's application" 60 rabbitmqctl await_startup </dev/null
  version=$(classic_queue_version)
  if [ "$version" != "{ok,2}" ]; then
    echo "setup: RabbitMQ still declares classic queues as '$version' ($RABBITMQ_CONF)" >&2
    exit 1
  fi
}

ensure_postgres_running
ensure_logical_replication
ensure_rabbitmq_running
ensure_classic_queues_v2
echo "setup: PostgreSQL (wal_level=logical) and RabbitMQ (classic queues v2) are ready"

#!/usr/bin/env bash
# A local three-node RabbitMQ cluster of the installed package, for the cluster tests:
#   scripts/rabbitmq-cluster.sh start        starts kaiten-rmq-1..3@localhost on 127.0.0.1:5701..5703
#                                            (distribution ports 25701..25703) and joins them;
#   scripts/rabbitmq-cluster.sh stop         stops them and deletes everything they kept;
#   scripts/rabbitmq-cluster.sh urls         prints the three AMQP URLs, comma-separated;
#   scripts/rabbitmq-cluster.sh kill N       SIGKILLs node N (1..3);
#   scripts/rabbitmq-cluster.sh start-node N starts node N again (it rejoins with its data);
#   scripts/rabbitmq-cluster.sh leader QUEUE prints the number of the node leading a quorum queue;
#   scripts/rabbitmq-cluster.sh count QUEUE  prints the messages in a queue (0 when it does not exist).
# Each node has its own name, data and log directories, config, Erlang cookie and ports under
# $KAITEN_RABBITMQ_CLUSTER_DIR (default /tmp/kaiten-rabbitmq-cluster); the default node on 5672 is
# never touched (the nodes register with the running epmd; one started here is stopped by `stop`
# when no other node uses it). `start` is idempotent; `stop` leaves nothing behind. Node names and
# ports are fixed: one cluster per machine.
set -euo pipefail

BASE=${KAITEN_RABBITMQ_CLUSTER_DIR:-/tmp/kaiten-rabbitmq-cluster}
BIN=/usr/lib/rabbitmq/bin
NODES=(1 2 3)

node_name() { echo "kaiten-rmq-$1@localhost"; }
amqp_port() { echo $((5700 + $1)); }

MARKER=.kaiten-rabbitmq-cluster

# Runs a command in the environment of node $1: everything its own, so it cannot meet the default
# node's files.
with_node_env() {
  local node=$1 dir="$BASE/node$1"; shift
  env HOME="$BASE" \
    RABBITMQ_NODENAME="$(node_name "$node")" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$(amqp_port "$node")" \
    RABBITMQ_DIST_PORT=$((25700 + node)) \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$dir/pid" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
    RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    ERL_EPMD_ADDRESS=127.0.0.1 \
    "$@"
}

ctl() { # node, rabbitmqctl arguments...
  local node=$1; shift
  with_node_env "$node" "$BIN/rabbitmqctl" -n "$(node_name "$node")" "$@"
}

running() { ctl "$1" status >/dev/null 2>&1; }

prepare() {
  mkdir -p "$BASE"
  touch "$BASE/$MARKER"
  # Whether epmd runs already (the default node's); if not, the first node starts one.
  if [ ! -f "$BASE/epmd-was-running" ] && [ ! -f "$BASE/epmd-started-here" ]; then
    if epmd -names >/dev/null 2>&1; then touch "$BASE/epmd-was-running"; else touch "$BASE/epmd-started-here"; fi
  fi
  if [ ! -f "$BASE/.erlang.cookie" ]; then
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$BASE/.erlang.cookie"
    chmod 400 "$BASE/.erlang.cookie"
  fi
  for node in "${NODES[@]}"; do
    local dir="$BASE/node$node"
    mkdir -p "$dir/mnesia" "$dir/log"
    printf 'listeners.tcp.local = 127.0.0.1:%s\nloopback_users.guest = true\n' "$(amqp_port "$node")" >"$dir/rabbitmq.conf"
    : >"$dir/rabbitmq-env.conf"
    echo '[].' >"$dir/advanced.config"
    echo '[].' >"$dir/enabled_plugins"
  done
}

start_node() {
  local node=$1
  running "$node" && return 0
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}' \
    with_node_env "$node" setsid "$BIN/rabbitmq-server" >"$BASE/node$node/log/console.log" 2>&1 </dev/null &
  ctl "$node" wait --pid "$!" --timeout 120 >/dev/null
  ctl "$node" await_startup --timeout 120 >/dev/null
}

joined() { ctl 1 cluster_status --formatter json 2>/dev/null | grep -q "$(node_name "$1")"; }

start() {
  prepare
  for node in "${NODES[@]}"; do start_node "$node"; done
  for node in 2 3; do
    if ! ctl 1 cluster_status 2>/dev/null | grep -q "$(node_name "$node")"; then
      ctl "$node" stop_app >/dev/null
      ctl "$node" join_cluster "$(node_name 1)" >/dev/null
      ctl "$node" start_app >/dev/null
    fi
  done
  echo "rabbitmq-cluster: $(urls)"
}

# The pid of node $1's Erlang VM, only if that process is still this node's.
pid_of() {
  local pid
  pid=$(cat "$BASE/node$1/pid" 2>/dev/null) || return 1
  grep -qzx "RABBITMQ_NODENAME=$(node_name "$1")" "/proc/$pid/environ" 2>/dev/null || return 1
  echo "$pid"
}

stop() {
  if [ -d "$BASE" ] && [ ! -f "$BASE/$MARKER" ]; then
    echo "rabbitmq-cluster: $BASE is not a cluster directory of this script; not touching it" >&2
    exit 1
  fi
  for node in "${NODES[@]}"; do
    if running "$node"; then ctl "$node" stop >/dev/null 2>&1 || true; fi
    local pid
    pid=$(pid_of "$node" || true)
    if [ -n "$pid" ]; then kill -9 "$pid" || true; fi
  done
  # Anything of these nodes still running (a node killed halfway through starting): their Erlang
  # VMs run with this directory as their home.
  pkill -9 -f -- "-home $BASE -- " 2>/dev/null || true
  if [ -f "$BASE/epmd-started-here" ] && ! epmd -names 2>/dev/null | grep -q "^name "; then
    epmd -kill >/dev/null 2>&1 || true
  fi
  rm -rf "$BASE"
  echo "rabbitmq-cluster: stopped"
}

urls() {
  local list=()
  for node in "${NODES[@]}"; do list+=("amqp://guest:guest@127.0.0.1:$(amqp_port "$node")/%2f"); done
  (IFS=,; echo "${list[*]}")
}

leader() { # the node number leading quorum queue $1, asked of any node that answers
  for node in "${NODES[@]}"; do
    local name
    if name=$(ctl "$node" list_queues name leader --quiet --no-table-headers 2>/dev/null | awk -v q="$1" '$1 == q { print $2 }'); then
      [ -n "$name" ] && { echo "$name" | sed -E 's/^kaiten-rmq-([0-9])@.*/\1/'; return 0; }
    fi
  done
  return 1
}

count() { # messages in queue $1, asked of any node that answers; fails when there is no such queue
  for node in "${NODES[@]}"; do
    local listing
    if listing=$(ctl "$node" list_queues name messages --quiet --no-table-headers 2>/dev/null); then
      echo "$listing" | awk -v q="$1" '$1 == q { print $2; found = 1 } END { exit !found }'
      return
    fi
  done
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  urls) urls ;;
  kill) pid=$(pid_of "$2") || { echo "node $2 is not running" >&2; exit 1; }; kill -9 "$pid" ;;
  start-node) start_node "$2" ;;
  leader) leader "$2" ;;
  count) count "$2" ;;
  *) echo "usage: $0 start|stop|urls|kill N|start-node N|leader QUEUE|count QUEUE" >&2; exit 2 ;;
esac

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
# never touched. `start` is idempotent; `stop` leaves nothing behind.
set -euo pipefail

BASE=${KAITEN_RABBITMQ_CLUSTER_DIR:-/tmp/kaiten-rabbitmq-cluster}
BIN=/usr/lib/rabbitmq/bin
NODES=(1 2 3)

node_name() { echo "kaiten-rmq-$1@localhost"; }
amqp_port() { echo $((5700 + $1)); }

# The environment of node $1: everything its own, so it cannot meet the default node's files.
node_env() {
  local dir="$BASE/node$1"
  echo HOME="$BASE" \
    RABBITMQ_NODENAME="$(node_name "$1")" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$(amqp_port "$1")" \
    RABBITMQ_DIST_PORT=$((25700 + $1)) \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$dir/pid" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
    RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    ERL_EPMD_ADDRESS=127.0.0.1
}

ctl() { # node, rabbitmqctl arguments...
  local node=$1; shift
  env $(node_env "$node") "$BIN/rabbitmqctl" -n "$(node_name "$node")" "$@"
}

running() { ctl "$1" status >/dev/null 2>&1; }

prepare() {
  mkdir -p "$BASE"
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
  env $(node_env "$node") RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}' \
    setsid "$BIN/rabbitmq-server" >"$BASE/node$node/log/console.log" 2>&1 </dev/null &
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

pid_of() { cat "$BASE/node$1/pid" 2>/dev/null; }

stop() {
  for node in "${NODES[@]}"; do
    if running "$node"; then ctl "$node" stop >/dev/null 2>&1 || true; fi
    local pid
    pid=$(pid_of "$node" || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" || true; fi
  done
  # Anything of these nodes still running (a node killed halfway through starting).
  pkill -9 -f -- "-sname kaiten-rmq-|-name kaiten-rmq-|kaiten-rmq-[123]@localhost" 2>/dev/null || true
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

count() { # messages in queue $1, asked of any node that answers
  for node in "${NODES[@]}"; do
    local listing
    if listing=$(ctl "$node" list_queues name messages --quiet --no-table-headers 2>/dev/null); then
      echo "$listing" | awk -v q="$1" 'BEGIN { n = 0 } $1 == q { n = $2 } END { print n }'
      return 0
    fi
  done
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  urls) urls ;;
  kill) pid=$(pid_of "$2"); kill -9 "$pid" ;;
  start-node) start_node "$2" ;;
  leader) leader "$2" ;;
  count) count "$2" ;;
  *) echo "usage: $0 start|stop|urls|kill N|start-node N|leader QUEUE|count QUEUE" >&2; exit 2 ;;
esac

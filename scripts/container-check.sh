#!/usr/bin/env bash
# Builds the Dockerfile's runtime stage (the image users get) with podman and runs a smoke test
# through it: on a Debian base made here with debootstrap (no registry is needed), with the binary
# built on this machine (the `prebuilt` stage; no Rust image is pulled), the container runs as its
# non-root user on the host network against the local PostgreSQL and RabbitMQ, in a database and a
# virtual host of its own: an organization, an endpoint on a local receiver, a customer → a webhook
# whose Standard Webhooks signature verifies; then SIGTERM → exit code 0. Everything it made
# (container, image, storage, base, database, slot, virtual host) is removed, pass or fail; the
# Debian packages it installs (podman, runc, debootstrap) stay.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kaiten-target}
scripts/setup.sh

missing=()
for package in podman runc debootstrap; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

WORK=$(mktemp -d /tmp/kaiten-container-check.XXXXXX)
NAME=kaiten-check-$$
DATABASE=kaiten_container_check_$$
VHOST=kaiten-container-check-$$
IMAGE=localhost/kaiten-check:$$
BASE=localhost/kaiten-check-base:$$
RECEIVER_PID=
cat >"$WORK/containers.conf" <<'EOF'
[containers]
default_ulimits = []

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
EOF
export CONTAINERS_CONF="$WORK/containers.conf"
podman_() { podman --root "$WORK/storage" --runroot "$WORK/run" --tmpdir "$WORK/tmp" --storage-driver vfs "$@"; }
psql_() { psql -h 127.0.0.1 -U postgres -d postgres -XAtq "$@"; }

cleanup() {
  set +e
  [ -n "$RECEIVER_PID" ] && kill "$RECEIVER_PID" 2>/dev/null
  podman_ rm -f -t 0 "$NAME" >/dev/null 2>&1
  podman_ rmi -f "$IMAGE" "$BASE" >/dev/null 2>&1
  rm -rf "$WORK"
  psql_ -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '$DATABASE'" >/dev/null 2>&1
  psql_ -c "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" >/dev/null 2>&1
  rabbitmqctl delete_vhost "$VHOST" >/dev/null 2>&1
}
trap cleanup EXIT

echo "container-check: a Debian base (debootstrap --variant=minbase bookworm)"
debootstrap --variant=minbase bookworm "$WORK/rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 \
  || { tail -20 "$WORK/debootstrap.log"; exit 1; }
tar -C "$WORK/rootfs" -c . | podman_ import --quiet - "$BASE" >/dev/null
rm -rf "$WORK/rootfs"

echo "container-check: the binary and the runtime stage"
cargo build --release --locked -p kaiten --bin kaiten
mkdir "$WORK/context"
cp "$CARGO_TARGET_DIR/release/kaiten" "$WORK/context/kaiten"
podman_ build --network host --target runtime --build-arg RUNTIME_BASE="$BASE" --build-arg BINARY_FROM=prebuilt \
  -f Dockerfile -t "$IMAGE" "$WORK/context" >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; exit 1; }
user=$(podman_ image inspect --format '{{.Config.User}}' "$IMAGE")
[ "${user%%:*}" != "" ] && [ "${user%%:*}" != 0 ] && [ "${user%%:*}" != root ] || { echo "runs as '$user'"; exit 1; }

echo "container-check: running it against the local PostgreSQL and RabbitMQ"
rabbitmqctl add_vhost "$VHOST" >/dev/null
rabbitmqctl set_permissions -p "$VHOST" guest '.*' '.*' '.*' >/dev/null
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
RECEIVER_PORT=$(free_port)
environment=(
  -e KAITEN_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DATABASE"
  -e KAITEN_AMQP_URL="amqp://guest:guest@127.0.0.1:5672/$VHOST"
  -e KAITEN_SLOT="$DATABASE" -e KAITEN_BIND=127.0.0.1 -e KAITEN_PORT="$PORT"
  -e KAITEN_WEBHOOKS_ALLOW_PRIVATE=true -e KAITEN_LOG_FORMAT=json
)
organization=$(podman_ run --rm --network host "${environment[@]}" "$IMAGE" org create --name "Container Check")
token=$(echo "$organization" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
podman_ run -d --name "$NAME" --network host "${environment[@]}" "$IMAGE" >/dev/null
api="http://127.0.0.1:$PORT/api"
for _ in $(seq 120); do
  curl -sf "$api/readyz" >/dev/null && break
  sleep 1
done
curl -sf "$api/readyz" >/dev/null || { podman_ logs "$NAME" | tail -20; echo "not ready"; exit 1; }

# The receiver: writes the first verified delivery to $WORK/received and answers 204.
cat >"$WORK/receiver.py" <<'EOF'
import base64, hashlib, hmac, http.server, json, sys
port, secret_file, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        secret = base64.b64decode(open(secret_file).read().strip().removeprefix("whsec_"))
        signed = f'{self.headers["webhook-id"]}.{self.headers["webhook-timestamp"]}.'.encode() + body
        expected = base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest()).decode()
        given = [s.split(",", 1)[1] for s in self.headers["webhook-signature"].split() if s.startswith("v1,")]
        verified = any(hmac.compare_digest(expected, g) for g in given)
        with open(out, "a") as f:
            f.write(json.dumps({"verified": verified, "name": json.loads(body).get("name")}) + "\n")
        self.send_response(204 if verified else 400)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", port), Hook).serve_forever()
EOF
auth=(-H "Authorization: Bearer $token" -H "Content-Type: application/json")
endpoint=$(curl -sf "${auth[@]}" -d "{\"url\": \"http://127.0.0.1:$RECEIVER_PORT/hook\"}" "$api/webhooks")
endpoint_id=$(echo "$endpoint" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
curl -sf "${auth[@]}" "$api/webhooks/$endpoint_id/secret" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["signingSecret"])' >"$WORK/secret"
python3 "$WORK/receiver.py" "$RECEIVER_PORT" "$WORK/secret" "$WORK/received" &
RECEIVER_PID=$!
curl -sf "${auth[@]}" -d '{"name": "Globex"}' "$api/customers" >/dev/null
for _ in $(seq 60); do
  grep -q '"verified": true' "$WORK/received" 2>/dev/null && break
  sleep 1
done
grep -q '"verified": true, "name": "CUSTOMER_CREATION"' "$WORK/received" 2>/dev/null \
  || { cat "$WORK/received" 2>/dev/null; podman_ logs "$NAME" | tail -20; echo "no signed webhook"; exit 1; }
echo "container-check: a signed CUSTOMER_CREATION webhook arrived and verified"

podman_ stop -t 30 "$NAME" >/dev/null
code=$(podman_ inspect --format '{{.State.ExitCode}}' "$NAME")
[ "$code" = 0 ] || { podman_ logs "$NAME" | tail -20; echo "exit code $code after SIGTERM"; exit 1; }
echo "container-check: SIGTERM → exit code 0; passed (image user $user)"

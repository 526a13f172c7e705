#!/usr/bin/env bash
# Starts Portcullis on this machine: api-server (8080) and policy-service (8081), with their
# data and logs under .portcullis/. Builds what is missing. Running it again is harmless.
# Stop everything with deploy/local/down.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="$ROOT/.portcullis"
mkdir -p "$STATE"
cd "$ROOT"

API_PORT="${PORTCULLIS_API_PORT:-8080}"
POLICY_PORT="${PORTCULLIS_POLICY_PORT:-8081}"

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

command -v java >/dev/null || die "java (17 or newer) is not installed"
command -v mvn >/dev/null || die "mvn (Maven 3.8+) is not installed"

need_build=0
for m in api-server policy-service; do
  [ -f "$m/target/quarkus-app/quarkus-run.jar" ] || need_build=1
done
[ -f cli/target/portcullis-cli.jar ] || need_build=1
if [ "$need_build" = 1 ]; then
  say "building Portcullis (first run: a few minutes; log in .portcullis/build.log)"
  mvn -B -q -DskipTests install > "$STATE/build.log" 2>&1 || { tail -30 "$STATE/build.log"; die "build failed; see .portcullis/build.log"; }
fi

running() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }

wait_ready() { # name port
  local i
  for i in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$2/q/health/ready" >/dev/null 2>&1; then return 0; fi
    running "$1" || { tail -20 "$STATE/$1.log"; die "$1 exited during start; see .portcullis/$1.log"; }
    sleep 0.5
  done
  die "$1 was not ready after 60 s; see .portcullis/$1.log"
}

start() { # name port jar [java options...]
  local name=$1 port=$2 jar=$3; shift 3
  if running "$name"; then say "$name already running (pid $(cat "$STATE/$name.pid"))"; return; fi
  say "starting $name on port $port"
  nohup java -Xmx256m "$@" -Dquarkus.http.port="$port" -jar "$jar" > "$STATE/$name.log" 2>&1 &
  echo $! > "$STATE/$name.pid"
  wait_ready "$name" "$port"
}

start api-server "$API_PORT" "$ROOT/api-server/target/quarkus-app/quarkus-run.jar" \
  -Dportcullis.data-dir="$STATE/api-server"
ADMIN_TOKEN="$(cat "$STATE/api-server/admin-token")"
CLUSTER_TOKEN="$(cat "$STATE/api-server/cluster-token")"
PROXY_TOKEN="$(cat "$STATE/api-server/proxy-token")"

PORTCULLIS_CLUSTER_TOKEN="$CLUSTER_TOKEN" PORTCULLIS_PROXY_TOKEN="$PROXY_TOKEN" \
  start policy-service "$POLICY_PORT" "$ROOT/policy-service/target/quarkus-app/quarkus-run.jar" \
  -Dquarkus.grpc.clients.api-server.port="$API_PORT"

umask 077
cat > "$STATE/cli.properties" <<PROPS
server=http://127.0.0.1:$API_PORT
token=$ADMIN_TOKEN
PROPS
cat > "$STATE/demo.env" <<ENV
export PORTCULLIS_SERVER=http://127.0.0.1:$API_PORT
export PORTCULLIS_TOKEN=$ADMIN_TOKEN
ENV

say "Portcullis control plane is up:"
echo "    api-server      http://127.0.0.1:$API_PORT   (log: .portcullis/api-server.log)"
echo "    policy-service  http://127.0.0.1:$POLICY_PORT   (log: .portcullis/policy-service.log)"
echo
echo "Try:  bin/portcullis get services"
echo "      source .portcullis/demo.env    # PORTCULLIS_SERVER and PORTCULLIS_TOKEN for scripts"
echo "Stop: deploy/local/down.sh"

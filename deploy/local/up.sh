#!/usr/bin/env bash
# Starts Portcullis on this machine: Kafka (9092), api-server (8080), policy-service (8081),
# audit-collector (8082),
# two proxy nodes (admin 8083 and 8084) behind HAProxy (the demo Service on 15432; one node
# if HAProxy is absent), and a demo upstream PostgreSQL, with data and logs under .portcullis/,
# then creates the demo resources (users alice, bob, eve with a Session each). Builds what is
# missing. Running it again is harmless. Stop: deploy/local/down.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="$ROOT/.portcullis"
mkdir -p "$STATE"
cd "$ROOT"

API_PORT="${PORTCULLIS_API_PORT:-8080}"
POLICY_PORT="${PORTCULLIS_POLICY_PORT:-8081}"
PROXY_ADMIN_PORT="${PORTCULLIS_PROXY_ADMIN_PORT:-8083}"
KAFKA_PORT="${PORTCULLIS_KAFKA_PORT:-9092}"
AUDIT_PORT="${PORTCULLIS_AUDIT_PORT:-8082}"
DEMO_PORT="${PORTCULLIS_DEMO_PORT:-15432}"
UPSTREAM_PORT="${PORTCULLIS_DEMO_UPSTREAM_PORT:-25432}"

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

command -v java >/dev/null || die "java (17 or newer) is not installed"
command -v mvn >/dev/null || die "mvn (Maven 3.8+) is not installed"
# PostgreSQL (the demo upstream), HAProxy, psql: installed when missing (Debian), else a no-op
"$ROOT/deploy/install-deps.sh"

need_build=0
for m in api-server policy-service proxy-node audit-collector; do
  [ -d deploy/kafka/target/lib ] || need_build=1
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

"$ROOT/deploy/local/kafka.sh" "$STATE/kafka" "$KAFKA_PORT"

PORTCULLIS_ADMIN_TOKEN="$ADMIN_TOKEN" \
  start audit-collector "$AUDIT_PORT" "$ROOT/audit-collector/target/quarkus-app/quarkus-run.jar" \
  -Dportcullis.data-dir="$STATE/audit-collector" -Dportcullis.kafka.bootstrap-servers="127.0.0.1:$KAFKA_PORT"

# Two proxy nodes behind HAProxy on the demo port: node N listens on the Service port + N and
# forwards cancels for the other node's sessions to its cancel port (16000 + N). HAProxy connects
# to the nodes from 127.0.0.2 and sends the PROXY protocol (v2), which the nodes believe from that
# address only: limits, logs and the audit trail name the real client, and a client on 127.0.0.1
# can still connect to a node directly.
BALANCER_SOURCE=127.0.0.2
HAPROXY="$(command -v haproxy || ls /usr/sbin/haproxy 2>/dev/null || true)"
NODES=2
[ -n "$HAPROXY" ] || { NODES=1; say "HAProxy not found (deploy/install-deps.sh installs it): one proxy node, no balancer"; }
for n in $(seq 1 "$NODES"); do
  offset=$n; [ "$NODES" = 1 ] && offset=0
  other=$((3 - n))
  PORTCULLIS_PROXY_TOKEN="$PROXY_TOKEN" \
    start "proxy-node-$n" "$((PROXY_ADMIN_PORT + n - 1))" "$ROOT/proxy-node/target/quarkus-app/quarkus-run.jar" \
    -Dquarkus.grpc.clients.api-server.port="$API_PORT" -Dquarkus.grpc.clients.policy-service.port="$POLICY_PORT" \
    -Dportcullis.listen.port-offset="$offset" -Dportcullis.cancel.node-id="$n" \
    -Dportcullis.listen.trusted-proxies="$BALANCER_SOURCE/32" \
    -Dportcullis.cancel.port="$((16000 + n))" -Dportcullis.cancel.peers="$other=127.0.0.1:$((16000 + other))" \
    -Dportcullis.audit.bootstrap-servers="127.0.0.1:$KAFKA_PORT" -Dportcullis.audit.spool-dir="$STATE/proxy-node-$n-spool"
done
if [ "$NODES" = 2 ]; then
  cat > "$STATE/haproxy.cfg" <<CFG
global
  maxconn 4096
defaults
  mode tcp
  timeout connect 5s
  timeout client 8h
  timeout server 8h
frontend portcullis
  bind 127.0.0.1:$DEMO_PORT
  default_backend nodes
backend nodes
  balance roundrobin
  source $BALANCER_SOURCE
  server node1 127.0.0.1:$((DEMO_PORT + 1)) check send-proxy-v2
  server node2 127.0.0.1:$((DEMO_PORT + 2)) check send-proxy-v2
CFG
  if running haproxy; then
    say "HAProxy already running (pid $(cat "$STATE/haproxy.pid"))"
  else
    say "starting HAProxy on port $DEMO_PORT, round-robin over both nodes"
    nohup "$HAPROXY" -db -f "$STATE/haproxy.cfg" > "$STATE/haproxy.log" 2>&1 &
    echo $! > "$STATE/haproxy.pid"
  fi
fi

"$ROOT/deploy/local/demo-postgres.sh" "$STATE/demo-postgres" "$UPSTREAM_PORT"

umask 077
cat > "$STATE/cli.properties" <<PROPS
server=http://127.0.0.1:$API_PORT
token=$ADMIN_TOKEN
audit-server=http://127.0.0.1:$AUDIT_PORT
PROPS
export PORTCULLIS_SERVER="http://127.0.0.1:$API_PORT" PORTCULLIS_TOKEN="$ADMIN_TOKEN"
say "creating the demo resources"
DEMO_PW="$(cat "$STATE/demo-postgres/app-password")"
PROD_PW="$(cat "$STATE/demo-postgres/prod-password")"
"$ROOT/bin/portcullis" get secret pg-password >/dev/null 2>&1 || printf '%s' "$DEMO_PW" | "$ROOT/bin/portcullis" create secret pg-password >/dev/null
"$ROOT/bin/portcullis" get secret prod-password >/dev/null 2>&1 || printf '%s' "$PROD_PW" | "$ROOT/bin/portcullis" create secret prod-password >/dev/null
sed -e "s/@DEMO_PORT@/$DEMO_PORT/g" -e "s/@UPSTREAM_PORT@/$UPSTREAM_PORT/g" "$ROOT/deploy/local/demo.yaml" \
  | "$ROOT/bin/portcullis" apply -f - >/dev/null

# one Session per demo user, reused while it is valid
token_for() { # user
  local file="$STATE/$1.token"
  if [ -s "$file" ] && "$ROOT/bin/portcullis" get session "$(cut -d' ' -f1 "$file")" >/dev/null 2>&1; then
    cut -d' ' -f2 "$file"; return
  fi
  local name="$1-demo-$(date +%s)"
  local token; token="$("$ROOT/bin/portcullis" create session "$1" --ttl 24h --name "$name" 2>/dev/null)"
  echo "$name $token" > "$file"
  echo "$token"
}
ALICE_TOKEN="$(token_for alice)"; BOB_TOKEN="$(token_for bob)"; EVE_TOKEN="$(token_for eve)"

cat > "$STATE/demo.env" <<ENV
export PORTCULLIS_SERVER=http://127.0.0.1:$API_PORT
export PORTCULLIS_TOKEN=$ADMIN_TOKEN
export PORTCULLIS_AUDIT_SERVER=http://127.0.0.1:$AUDIT_PORT
export PGHOST=127.0.0.1
export PGPORT=$DEMO_PORT
export PGSSLMODE=require
export ALICE_TOKEN=$ALICE_TOKEN
export BOB_TOKEN=$BOB_TOKEN
export EVE_TOKEN=$EVE_TOKEN
ENV

# wait until the proxy nodes serve the demo Service (each opens its listener once api-server has
# sent it the Service), then the balancer in front of them; past 30 s, say which and where to look
wait_listening() { # port what log
  local i
  for i in $(seq 1 120); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.25
  done
  tail -20 "$STATE/$3" >&2 || true
  die "$2 is not listening on 127.0.0.1:$1 after 30 s; see .portcullis/$3"
}
if [ "$NODES" = 2 ]; then
  for n in 1 2; do wait_listening "$((DEMO_PORT + n))" "proxy-node-$n (Service pg-db)" "proxy-node-$n.log"; done
  wait_listening "$DEMO_PORT" "HAProxy (Service pg-db)" haproxy.log
else
  wait_listening "$DEMO_PORT" "proxy-node-1 (Service pg-db)" proxy-node-1.log
fi

say "Portcullis is up:"
echo "    api-server      http://127.0.0.1:$API_PORT    (log: .portcullis/api-server.log)"
echo "    policy-service  http://127.0.0.1:$POLICY_PORT    (log: .portcullis/policy-service.log)"
if [ "$NODES" = 2 ]; then
  echo "    HAProxy         127.0.0.1:$DEMO_PORT (Service pg-db), round-robin over two proxy nodes"
  echo "    proxy nodes     admin http://127.0.0.1:$PROXY_ADMIN_PORT and :$((PROXY_ADMIN_PORT + 1))   (logs: .portcullis/proxy-node-*.log)"
else
  echo "    proxy-node      127.0.0.1:$DEMO_PORT (Service pg-db), admin http://127.0.0.1:$PROXY_ADMIN_PORT"
fi
echo "    Kafka           127.0.0.1:$KAFKA_PORT (topic portcullis.accesslogs)"
echo "    audit-collector http://127.0.0.1:$AUDIT_PORT    (log: .portcullis/audit-collector.log)"
echo "    demo upstream   PostgreSQL on 127.0.0.1:$UPSTREAM_PORT (roles app and prod; you never see their passwords)"
echo
echo "Connect as alice (group dev -> role app):"
echo "    source .portcullis/demo.env && PGPASSWORD=\$ALICE_TOKEN psql -U alice -d demo -c 'select current_user'"
echo "As bob (group prod -> routed to role prod):"
echo "    source .portcullis/demo.env && PGPASSWORD=\$BOB_TOKEN psql -U bob -d demo -c 'select current_user'"
echo "As eve (no group -> refused by policy):"
echo "    source .portcullis/demo.env && PGPASSWORD=\$EVE_TOKEN psql -U eve -d demo -c 'select 1'"
echo
echo "Every message is in the audit trail:"
echo "    bin/portcullis logs --since 10m         # or: bin/portcullis logs -f   (live)"
echo
echo "Manage: bin/portcullis get services | users | sessions      Stop: deploy/local/down.sh"

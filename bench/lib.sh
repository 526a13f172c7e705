# Shared by the data-path benchmarks (pgbench.sh, sessions.sh, audit.sh): builds, starts and
# stops the side-by-side targets on loopback, and reads per-process CPU from /proc.
# Everything lives in $RUN (a fresh temp dir) and is stopped by the EXIT trap.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="$(mktemp -d -t portcullis-bench.XXXXXX)"
chmod 755 "$RUN"
PIDS=()

# Ports: below the ephemeral range (32768+, where outgoing connections take theirs) and away
# from the local launcher's (8080-8084, 9092, 15432, 25432).
BASE="${BENCH_PORT_BASE:-27400}"
PG_PORT=$((BASE + 32))         # direct PostgreSQL
HAPROXY_PORT=$((BASE + 33))    # HAProxy, TCP mode, in front of it
BOUNCER_PORT=$((BASE + 34))    # PgBouncer, session pooling
PORTCULLIS_PORT=$((BASE + 35)) # the Service's port: node 1 (audit to Kafka) listens here
NOAUDIT_PORT=$((BASE + 36))    # node 2 (audit off): the same Service, port offset 1
API_PORT=$((BASE + 80)); POLICY_PORT=$((BASE + 81)); NODE1_ADMIN=$((BASE + 83)); NODE2_ADMIN=$((BASE + 84))
COLLECTOR_PORT=$((BASE + 82)); KAFKA_PORT=$((BASE + 92))
PG_USER=bench; PG_DB=bench
PG_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
ADMIN_TOKEN="bench-admin-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
PROXY_TOKEN="bench-proxy-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
CLUSTER_TOKEN="bench-cluster-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
JAVA_HEAP="${JAVA_HEAP:-512m}"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"

cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "$RUN"/bouncer-*/pid; do [ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null || true; done
  [ -f "$RUN/pg/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$RUN/pg" -m immediate stop >/dev/null 2>&1 || true
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "${KEEP_RUN:-0}" = 1 ]; then say "logs kept in $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT

need_tools() {
  [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || "$ROOT/deploy/install-deps.sh"
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  [ -x "$PGBIN/initdb" ] || die "PostgreSQL server binaries are missing (apt-get install postgresql)"
  command -v pgbench >/dev/null || die "pgbench is missing (apt-get install postgresql-client)"
  command -v haproxy >/dev/null || "$ROOT/deploy/install-deps.sh"
  command -v pgbouncer >/dev/null || { say "installing pgbouncer"; apt-get install -y -q pgbouncer >/dev/null 2>&1 || true; }
  command -v pgbouncer >/dev/null || die "pgbouncer is missing and could not be installed (apt-get install pgbouncer)"
}

# async-profiler's agent, from Maven Central (tools.profiler:async-profiler, linux-x64 jar)
async_profiler() {
  local v=3.0 dir="$HOME/.cache/portcullis-bench/async-profiler"
  local so="$dir/linux-x64/libasyncProfiler.so"
  if [ ! -f "$so" ]; then
    mvn -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$v:jar:linux-x64" >&2 \
      || die "could not fetch async-profiler $v from Maven Central"
    mkdir -p "$dir" && (cd "$dir" && unzip -o -q "$HOME/.m2/repository/tools/profiler/async-profiler/$v/async-profiler-$v-linux-x64.jar")
  fi
  # kernel frames (syscall time) need perf_event_paranoid <= 1; lower it when we may (root)
  [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -le 1 ] || echo 1 > /proc/sys/kernel/perf_event_paranoid 2>/dev/null || true
  echo "$so"
}

# PROFILE=ap: async-profiler (CPU, Java and native frames and the kernel's, which JFR does not
# see) attached with jcmd to each "name=pid" given, after the warm-up so that the JIT's work is
# left out; `profile_stop PHASE` writes $RUN/<name>-PHASE.collapsed (a stack per line) and .html.
profile_start() {
  [ "${PROFILE:-0}" = ap ] || return 0
  local so kv; so="$(async_profiler)"
  # the inner quotes: jcmd would otherwise read "event=cpu" as one of its own name=value options
  PROFILED=""
  for kv in "$@"; do
    [ "${kv#*=}" -gt 0 ] || continue # not started in this run (jcmd 0 would mean every JVM)
    jcmd "${kv#*=}" JVMTI.agent_load "$so" '"start,event=cpu,interval=997us"' > /dev/null
    PROFILED="$PROFILED $kv"
  done
}
profile_stop() {
  [ "${PROFILE:-0}" = ap ] && [ -n "${PROFILED:-}" ] || return 0
  local so kv phase=$1; so="$(async_profiler)"
  for kv in $PROFILED; do
    jcmd "${kv#*=}" JVMTI.agent_load "$so" "\"dump,file=$RUN/${kv%%=*}-$phase.collapsed,collapsed\"" > /dev/null
    jcmd "${kv#*=}" JVMTI.agent_load "$so" "\"stop,file=$RUN/${kv%%=*}-$phase.html\"" > /dev/null
  done
  say "async-profiler output: $RUN/*-$phase.collapsed and .html"
}

# Waits (up to 60 s) until the JIT compilers of the given JVMs have nothing queued or running,
# three checks in a row: what a warm-up made hot is then compiled before anything is measured.
settle_jit() { # pid...
  local pid quiet=0 i busy
  for i in $(seq 1 120); do
    busy=0
    for pid in "$@"; do
      [ "$pid" -gt 0 ] 2>/dev/null || continue
      # queued and running compiles are listed as Class::method lines
      [ "$(jcmd "$pid" Compiler.queue 2>/dev/null | grep -c '::')" -eq 0 ] || busy=1
    done
    if [ "$busy" = 0 ]; then quiet=$((quiet + 1)); [ "$quiet" -ge 3 ] && return 0; else quiet=0; fi
    sleep 0.5
  done
  say "the JIT compilers were still busy after 60 s; measuring anyway"
}

build() {
  [ "${SKIP_BUILD:-0}" = 1 ] && return
  say "building Portcullis (mvn install -DskipTests, under the build lock)"
  flock /tmp/portcullis-mvn.lock mvn -B -q -f "$ROOT/pom.xml" install -DskipTests > "$RUN/build.log" 2>&1 \
    || { tail -40 "$RUN/build.log"; die "build failed"; }
}

# Measurements hold the build lock: no Maven build of another session runs beside them. The
# services are started with fd 9 closed, so that none of them keeps the lock after the run.
quiet_machine() {
  [ "${NO_LOCK:-0}" = 1 ] && return # functional checks only: the figures are then not quiet
  exec 9> /tmp/portcullis-mvn.lock
  flock -n 9 || { say "waiting for the build lock (a build is running)"; flock 9; }
}

wait_port() { # port seconds what
  local i
  for i in $(seq 1 $(($2 * 4))); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.25; done
  die "$3 did not listen on port $1 within $2 s (logs: $RUN, KEEP_RUN=1 keeps them)"
}

start_postgres() { # scale
  say "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on $PG_PORT, pgbench -i -s $1"
  mkdir -p "$RUN/pg"; chown postgres "$RUN/pg" 2>/dev/null || true
  printf '%s' "$PG_PASSWORD" > "$RUN/pw"; chmod 644 "$RUN/pw"
  as_pg "$PGBIN/initdb" -D "$RUN/pg" -U postgres --auth-host=scram-sha-256 --auth-local=trust > "$RUN/initdb.log" 2>&1
  cat >> "$RUN/pg/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$RUN/pg'
max_connections = 400
shared_buffers = 512MB
fsync = off
synchronous_commit = off
CONF
  as_pg "$PGBIN/pg_ctl" -D "$RUN/pg" -l "$RUN/pg/log" -w start > /dev/null 9>&-
  as_pg "$PGBIN/psql" -h "$RUN/pg" -p "$PG_PORT" -U postgres -qAt -v ON_ERROR_STOP=1 -d postgres > /dev/null <<SQL
CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD';
CREATE DATABASE $PG_DB OWNER $PG_USER;
SQL
  PGPASSWORD="$PG_PASSWORD" pgbench -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -i -q -s "$1" "$PG_DB" > "$RUN/pgbench-init.log" 2>&1 \
    || { cat "$RUN/pgbench-init.log"; die "pgbench -i failed"; }
}

start_haproxy() {
  cat > "$RUN/haproxy.cfg" <<CFG
global
  maxconn 9000
defaults
  mode tcp
  timeout connect 5s
  timeout client 1h
  timeout server 1h
listen pg
  bind 127.0.0.1:$HAPROXY_PORT
  server pg 127.0.0.1:$PG_PORT
CFG
  haproxy -db -f "$RUN/haproxy.cfg" > "$RUN/haproxy.log" 2>&1 9>&- &
  PIDS+=($!); HAPROXY_PID=$!
  wait_port "$HAPROXY_PORT" 10 HAProxy
}

start_pgbouncer() { # pool_mode [upstream port]
  mkdir -p "$RUN/bouncer-$1"
  printf '"%s" "%s"\n' "$PG_USER" "$PG_PASSWORD" > "$RUN/bouncer-$1/users.txt"
  cat > "$RUN/bouncer-$1/pgbouncer.ini" <<INI
[databases]
$PG_DB = host=127.0.0.1 port=${2:-$PG_PORT} dbname=$PG_DB
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${BOUNCER_LISTEN:-$BOUNCER_PORT}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $RUN/bouncer-$1/users.txt
pool_mode = $1
max_client_conn = 19000
default_pool_size = ${BOUNCER_POOL:-100}
ignore_startup_parameters = extra_float_digits
logfile = $RUN/bouncer-$1/log
pidfile = $RUN/bouncer-$1/pid
log_connections = 0
log_disconnections = 0
INI
  chown -R postgres "$RUN/bouncer-$1" 2>/dev/null || true
  # PgBouncer refuses to run as root; setpriv (unlike runuser's PAM session, which resets the
  # fd limit to 1024) keeps this shell's limits, and execs pgbouncer itself
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups pgbouncer "$RUN/bouncer-$1/pgbouncer.ini" \
      > "$RUN/bouncer-$1/out" 2>&1 9>&- &
  else
    pgbouncer "$RUN/bouncer-$1/pgbouncer.ini" > "$RUN/bouncer-$1/out" 2>&1 9>&- &
  fi
  PIDS+=($!); BOUNCER_PID=$!
  wait_port "${BOUNCER_LISTEN:-$BOUNCER_PORT}" 10 PgBouncer
}

java_service() { # name http-port jar [java options...]
  local name=$1 port=$2 jar=$3; shift 3
  java -Xmx"$JAVA_HEAP" "$@" -Dquarkus.http.port="$port" -jar "$jar" > "$RUN/$name.log" 2>&1 9>&- &
  PIDS+=($!)
  eval "${name//-/_}_PID=$!"
  local i
  for i in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$port/q/health/ready" > /dev/null 2>&1 && return 0
    kill -0 "$!" 2>/dev/null || { tail -20 "$RUN/$name.log"; die "$name exited during start"; }
    sleep 0.25
  done
  die "$name was not ready within 60 s (log: $RUN/$name.log)"
}

start_kafka() {
  "$ROOT/deploy/local/kafka.sh" "$RUN/kafka" "$KAFKA_PORT" > /dev/null 9>&-
  KAFKA_PID="$(cat "$RUN/kafka/kafka.pid")"; PIDS+=("$KAFKA_PID")
}

api() { # method path [body]
  curl -sf -X "$1" -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/yaml' -H 'Accept: application/json' \
    "http://127.0.0.1:$API_PORT/api/v1/$2" ${3:+--data-binary "$3"} || die "api-server: $1 $2 failed"
}

# Portcullis: api-server, policy-service, node 1 (every message audited to Kafka) on
# $PORTCULLIS_PORT and node 2 (audit off) on $NOAUDIT_PORT, both for one Service whose upstream
# is $1 (default: the direct PostgreSQL). Sets TOKEN, the bench User's access token.
start_portcullis() { # [upstream port]
  local upstream=${1:-$PG_PORT}
  local app="$ROOT/%s/target/quarkus-app/quarkus-run.jar"
  # shellcheck disable=SC2059
  java_service api-server "$API_PORT" "$(printf "$app" api-server)" -Dportcullis.data-dir="$RUN/api" \
    -Dportcullis.admin-token="$ADMIN_TOKEN" -Dportcullis.proxy-token="$PROXY_TOKEN" \
    -Dportcullis.cluster-token="$CLUSTER_TOKEN" -Dquarkus.log.level=WARN
  api POST secrets "$(printf 'kind: Secret\nmetadata: {name: bench-pw}\ndata: {value: "%s"}\n' "$PG_PASSWORD")" > /dev/null
  api POST services "kind: Service
metadata: {name: bench}
spec:
  mode: POSTGRES
  port: $PORTCULLIS_PORT
  config:
    upstream: {url: \"postgres://127.0.0.1:$upstream\"}
    postgres: {user: $PG_USER, database: $PG_DB, auth: {password: {fromSecret: bench-pw}}, sslMode: DISABLE}
  sessionLimits: {maxConnectionsPerUser: 20000}
  authorization:
    inlinePolicies:
      - name: bench
        spec: {rules: [{effect: ALLOW, condition: {match: '\"bench\" in ctx.user.spec.groups'}}]}" > /dev/null
  api POST users "kind: User
metadata: {name: $PG_USER}
spec: {groups: [bench]}" > /dev/null
  TOKEN="$(api POST sessions "kind: Session
metadata: {name: bench-session}
spec: {user: $PG_USER, ttl: 24h}" | sed -n 's/.*"accessToken" *: *"\([^"]*\)".*/\1/p')"
  [ -n "$TOKEN" ] || die "no access token in the Session api-server created"
  # shellcheck disable=SC2059
  java_service policy-service "$POLICY_PORT" "$(printf "$app" policy-service)" \
    -Dquarkus.grpc.clients.api-server.port="$API_PORT" -Dportcullis.cluster-token="$CLUSTER_TOKEN" \
    -Dportcullis.proxy-token="$PROXY_TOKEN" -Dquarkus.log.level=WARN
  local node_opts=(-Dquarkus.grpc.clients.api-server.port="$API_PORT" -Dquarkus.grpc.clients.policy-service.port="$POLICY_PORT"
    -Dportcullis.proxy-token="$PROXY_TOKEN" -Dportcullis.listen.host=127.0.0.1
    -Dportcullis.listen.allow-plaintext-token=true -Dquarkus.log.category.\"dev.portcullis.proxy.relay\".level=WARN
    -Dquarkus.log.category.\"dev.portcullis.proxy.session\".level=WARN)
  # PROFILE=1: a JFR recording per node, written to $RUN/proxy-node-N.jfr when it stops.
  # PROFILE=ap: async-profiler instead, attached after the warm-up (profile_start/profile_stop)
  jfr() {
    case "${PROFILE:-0}" in
      1) echo "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$RUN/$1.jfr" ;;
      *) echo "-Dbench.profile=off" ;;
    esac
  }
  # NODE2_AUDIT=1: node 2 audits too, with NODE2_OPTS on top, for an A/B of an audit setting in one
  # run (its column stays "noaudit"); run-to-run noise here is larger than most such effects.
  # NODE2_APP=<dir>/quarkus-run.jar runs node 2 from another build (a copy of the baseline's
  # proxy-node/target/quarkus-app): an A/B of a code change in one run
  node2_audit() {
    if [ "${NODE2_AUDIT:-0}" = 1 ]; then
      echo "-Dportcullis.audit.bootstrap-servers=127.0.0.1:$KAFKA_PORT -Dportcullis.audit.spool-dir=$RUN/spool-2" \
        "${AUDIT_COMPRESSION:+-Dportcullis.audit.compression=$AUDIT_COMPRESSION}"
    else
      echo "-Dportcullis.audit.enabled=false"
    fi
  }
  if [ "${WITH_AUDIT_NODE:-1}" = 1 ] || [ "${NODE2_AUDIT:-0}" = 1 ]; then
    start_kafka
  fi
  if [ "${WITH_AUDIT_NODE:-1}" = 1 ]; then
    # shellcheck disable=SC2059
    java_service proxy-node-1 "$NODE1_ADMIN" "$(printf "$app" proxy-node)" "${node_opts[@]}" "$(jfr proxy-node-1)" \
      -Dportcullis.cancel.node-id=1 -Dportcullis.audit.bootstrap-servers="127.0.0.1:$KAFKA_PORT" \
      -Dportcullis.audit.spool-dir="$RUN/spool-1" ${AUDIT_COMPRESSION:+-Dportcullis.audit.compression=$AUDIT_COMPRESSION} \
      ${NODE1_OPTS:-}
    wait_port "$PORTCULLIS_PORT" 20 "proxy node 1"
  fi
  if [ "${WITH_NOAUDIT_NODE:-1}" = 1 ]; then
    # shellcheck disable=SC2059
    java_service proxy-node-2 "$NODE2_ADMIN" "${NODE2_APP:-$(printf "$app" proxy-node)}" "${node_opts[@]}" "$(jfr proxy-node-2)" \
      -Dportcullis.cancel.node-id=2 -Dportcullis.listen.port-offset=1 $(node2_audit) ${NODE2_OPTS:-}
    wait_port "$NOAUDIT_PORT" 20 "proxy node 2"
  fi
}

start_collector() {
  # shellcheck disable=SC2059
  java_service audit-collector "$COLLECTOR_PORT" "$ROOT/audit-collector/target/quarkus-app/quarkus-run.jar" \
    -Dportcullis.admin-token="$ADMIN_TOKEN" -Dportcullis.data-dir="$RUN/collector" \
    -Dportcullis.kafka.bootstrap-servers="127.0.0.1:$KAFKA_PORT" "$@"
}

# CPU seconds (user + system) a process has used; for the postmaster, with its exited
# children (backends) and its live ones.
cpu_of() { # pid
  [ -r "/proc/$1/stat" ] || { echo 0; return; }
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"
}
cpu_postgres() {
  local pm; pm="$(head -1 "$RUN/pg/postmaster.pid")"
  local total
  total="$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13 + $14 + $15) / hz }' "/proc/$pm/stat")"
  local c
  for c in $(pgrep -P "$pm"); do total="$(awk -v a="$total" -v b="$(cpu_of "$c")" 'BEGIN { print a + b }')"; done
  echo "$total"
}

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

machine_line() {
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ {print $2}') GiB," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $(pgbench --version); $(haproxy -v | head -1 | cut -d' ' -f1-3); $(pgbouncer --version | head -1)"
}

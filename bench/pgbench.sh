#!/usr/bin/env bash
# Portcullis side by side with what a user would otherwise run, in one run, on this machine:
# pgbench -S (select-only) against
#   direct     PostgreSQL itself
#   haproxy    HAProxy in TCP mode in front of it (one blind hop)
#   pgbouncer  PgBouncer in session mode
#   audit      a Portcullis proxy node, every message audited to Kafka (node 1)
#   noaudit    a Portcullis proxy node with audit off (node 2)
# for -M simple / extended / prepared at 1, 8 and 32 clients, targets interleaved (the order
# rotates each repetition), every point repeated; then the connection rate (pgbench -C).
# Prints medians, the CPU seconds each process used, and `ratio ...` lines.
#
#   bench/pgbench.sh              the full run (~25 min)
#   bench/pgbench.sh --quick      8 clients only, 5 s points (< 5 min once built)
#   SKIP_BUILD=1 DURATION=15 REPS=3 CLIENTS="8 32" MODES=prepared bench/pgbench.sh
#
# All plaintext on loopback (sslmode=disable everywhere, Portcullis with
# listen.allow-plaintext-token): what is measured is the hop, not TLS.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

QUICK=0
for a in "$@"; do
  case "$a" in
    --quick) QUICK=1 ;;
    *) die "unknown argument $a (usage: bench/pgbench.sh [--quick])" ;;
  esac
done
if [ "$QUICK" = 1 ]; then
  DURATION="${DURATION:-5}"; CLIENTS="${CLIENTS:-8}"; CONNECT_DURATION="${CONNECT_DURATION:-5}"
fi
DURATION="${DURATION:-10}"
REPS="${REPS:-2}"
CLIENTS="${CLIENTS:-1 8 32}"
MODES="${MODES:-simple extended prepared}"
TARGETS="${TARGETS:-direct haproxy pgbouncer audit noaudit}"
CONNECT_DURATION="${CONNECT_DURATION:-10}"
SCALE="${SCALE:-10}"
export PGSSLMODE=disable PGCONNECT_TIMEOUT=10

need_tools
build
quiet_machine
machine_line
start_postgres "$SCALE"
start_haproxy
start_pgbouncer session
start_portcullis
say "targets up: direct :$PG_PORT, haproxy :$HAPROXY_PORT, pgbouncer :$BOUNCER_PORT, portcullis audit :$PORTCULLIS_PORT, noaudit :$NOAUDIT_PORT"

port_of() { case "$1" in direct) echo "$PG_PORT" ;; haproxy) echo "$HAPROXY_PORT" ;; pgbouncer) echo "$BOUNCER_PORT" ;;
  audit) echo "$PORTCULLIS_PORT" ;; noaudit) echo "$NOAUDIT_PORT" ;; esac; }
password_of() { case "$1" in audit|noaudit) echo "$TOKEN" ;; *) echo "$PG_PASSWORD" ;; esac; }

# the processes whose CPU is reported (name=pid); postgres is measured with its backends
PROCS="haproxy=$HAPROXY_PID pgbouncer=$BOUNCER_PID node1=${proxy_node_1_PID:-0} node2=${proxy_node_2_PID:-0} kafka=${KAFKA_PID:-0} policy=$policy_service_PID api=$api_server_PID"
cpu_snapshot() {
  local kv out="postgres=$(cpu_postgres)"
  for kv in $PROCS; do out="$out ${kv%%=*}=$(cpu_of "${kv#*=}")"; done
  echo "$out"
}
cpu_delta() { # before after -> "name=seconds ..." for processes that used >= 0.05 s
  awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ");
    for (i = 1; i <= n; i++) { split(x[i], p, "="); split(y[i], q, "="); d = q[2] - p[2];
      if (d >= 0.05) printf "%s%s=%.1f", (out++ ? " " : ""), p[1], d } }'
}

RESULTS="$RUN/results.tsv" # target mode clients rep tps conn_ms cpu...
: > "$RESULTS"

# one pgbench run; appends a line to $RESULTS and echoes it
point() { # target mode clients rep duration [extra pgbench args...]
  local target=$1 mode=$2 c=$3 rep=$4 secs=$5; shift 5
  local jobs=$((c < 2 ? 1 : 2)) m=$mode
  [ "$mode" = connect ] && m=simple
  local before after out
  before="$(cpu_snapshot)"
  out="$( { PGPASSWORD="$(password_of "$target")" pgbench -h 127.0.0.1 -p "$(port_of "$target")" -U "$PG_USER" \
      -n -S -M "$m" -c "$c" -j "$jobs" -T "$secs" "$@" "$PG_DB" 2>&1; times; } )" || true
  sleep 1 # the run's backends exit and are reaped: their CPU lands in the postmaster's
  after="$(cpu_snapshot)"
  local tps conn pgb_cpu
  tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<< "$out" | head -1)"
  conn="$(sed -n 's/^average connection time = \([0-9.]*\) ms/\1/p' <<< "$out" | head -1)"
  # `times`: the second line is the children's (pgbench's) user and system time, "1m2.5s 0m3.1s"
  pgb_cpu="$(tail -1 <<< "$out" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } printf "%.1f", s }')"
  if [ -z "$tps" ] || grep -qi "aborted\|error\|fatal" <<< "$out"; then
    say "pgbench failed on $target $mode c$c (counted as 0 tps):"; grep -m3 -i "error\|abort\|fatal" <<< "$out" >&2 || true
    tps=0
  fi
  local line
  line="$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s' "$target" "$mode" "$c" "$rep" "$tps" "${conn:--}" \
    "$(cpu_delta "$before" "$after") pgbench=$pgb_cpu")"
  echo "$line" >> "$RESULTS"
  printf '  %-9s %-8s c%-3s rep %s  tps %9s  %s\n' "$target" "$mode" "$c" "$rep" "$tps" \
    "${conn:+conn ${conn} ms  }cpu[s] $(cut -f7 <<< "$line")"
}

say "warm-up: 10 s per target (PostgreSQL's caches), each mode 5 s and 20 s of -C per Portcullis node (their JIT)"
for t in $TARGETS; do point "$t" extended 8 0 10 > /dev/null; done
for t in $TARGETS; do
  case "$t" in
    audit|noaudit)
      # every mode measured: a mode's own code (Query vs Parse/Bind/Execute audit events) compiles in it
      for m in $MODES; do point "$t" "$m" 8 0 5 > /dev/null; done
      # the connect path (TLS-less handshake, Authorize over gRPC, upstream SCRAM) is other code than the
      # relay's: without its own warm-up, half the CPU of the measured -C run was the JIT's (async-profiler)
      point "$t" connect 8 0 20 -C > /dev/null ;;
  esac
done
# C2 works through what the warm-up queued for a while after it: measured, that was up to a fifth
# of the audited node's CPU during the first throughput points (async-profiler, PrintCompilation)
settle_jit "${proxy_node_1_PID:-0}" "${proxy_node_2_PID:-0}" "$policy_service_PID"
: > "$RESULTS"
profile_start node1="${proxy_node_1_PID:-0}" node2="${proxy_node_2_PID:-0}" policy="$policy_service_PID" kafka="${KAFKA_PID:-0}"

say "throughput: pgbench -S -T $DURATION, $REPS repetitions, targets interleaved"
targets=($TARGETS)
for rep in $(seq 1 "$REPS"); do
  for mode in $MODES; do
    for c in $CLIENTS; do
      # rotate the order every repetition and point so that no target always goes first
      shift_by=$(( (rep + c) % ${#targets[@]} ))
      for i in "${!targets[@]}"; do
        point "${targets[$(( (i + shift_by) % ${#targets[@]} ))]}" "$mode" "$c" "$rep" "$DURATION"
      done
    done
  done
done

profile_stop throughput
profile_start ${PROFILED:-}
say "connection rate: pgbench -S -C (a new connection per transaction), 8 clients, -T $CONNECT_DURATION"
for rep in $(seq 1 "$REPS"); do
  for t in $TARGETS; do point "$t" connect 8 "$rep" "$CONNECT_DURATION" -C > /dev/null; tail -1 "$RESULTS" | \
    awk -F'\t' '{ printf "  %-9s connect  c8   rep %s  tps %9s  conn %s ms  cpu[s] %s\n", $1, $4, $5, $6, $7 }'; done
done

profile_stop connect

med() { # target mode clients column(5 tps, 6 conn)
  awk -F'\t' -v t="$1" -v m="$2" -v c="$3" -v k="$4" '$1 == t && $2 == m && $3 == c { print $k }' "$RESULTS" | median
}
med_cpu() { # target mode clients process -> median CPU seconds of that process
  awk -F'\t' -v t="$1" -v m="$2" -v c="$3" -v p="$4" '$1 == t && $2 == m && $3 == c {
    n = split($7, kv, " "); v = 0; for (i = 1; i <= n; i++) { split(kv[i], q, "="); if (q[1] == p) v = q[2] } print v }' "$RESULTS" | median
}

echo
echo "# medians of $REPS runs: tps (pgbench -S -T $DURATION), and CPU seconds per process during one run"
[ "${NODE2_AUDIT:-0}" = 1 ] && echo "# NODE2_AUDIT=1: \"noaudit\" is node 2 auditing too, with NODE2_OPTS: ${NODE2_OPTS:-(none)}"
[ -n "${NODE2_APP:-}" ] && echo "# NODE2_APP: node 2 runs $NODE2_APP"
printf '%-9s %-8s %-4s %10s   %s\n' target mode c tps "cpu[s]: postgres proxy(node1/node2) haproxy pgbouncer kafka policy pgbench"
for mode in $MODES; do for c in $CLIENTS; do for t in $TARGETS; do
  proxy=$([ "$t" = audit ] && med_cpu "$t" "$mode" "$c" node1 || med_cpu "$t" "$mode" "$c" node2)
  printf '%-9s %-8s c%-3s %10.0f   postgres %s proxy %s haproxy %s pgbouncer %s kafka %s policy %s pgbench %s\n' "$t" "$mode" "$c" \
    "$(med "$t" "$mode" "$c" 5)" "$(med_cpu "$t" "$mode" "$c" postgres)" "$proxy" "$(med_cpu "$t" "$mode" "$c" haproxy)" \
    "$(med_cpu "$t" "$mode" "$c" pgbouncer)" "$(med_cpu "$t" "$mode" "$c" kafka)" "$(med_cpu "$t" "$mode" "$c" policy)" \
    "$(med_cpu "$t" "$mode" "$c" pgbench)"
done; done; done
for t in $TARGETS; do
  printf '%-9s connect  c8   %10.0f   average connection time %s ms\n' "$t" "$(med "$t" connect 8 5)" "$(med "$t" connect 8 6)"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }
# with NODE2_AUDIT=1 node 2 audits too: its lines compare the two settings instead
node2="portcullis-noaudit"
[ "${NODE2_AUDIT:-0}" = 1 ] && node2="portcullis-node2"
echo
for mode in $MODES; do for c in $CLIENTS; do
  a="$(med audit "$mode" "$c" 5)"
  echo "ratio portcullis/direct $mode c$c $(ratio "$a" "$(med direct "$mode" "$c" 5)")"
  echo "ratio portcullis/haproxy $mode c$c $(ratio "$a" "$(med haproxy "$mode" "$c" 5)")"
  echo "ratio portcullis/pgbouncer $mode c$c $(ratio "$a" "$(med pgbouncer "$mode" "$c" 5)")"
  echo "ratio $node2/direct $mode c$c $(ratio "$(med noaudit "$mode" "$c" 5)" "$(med direct "$mode" "$c" 5)")"
  [ "${NODE2_AUDIT:-0}" = 1 ] && echo "ratio $node2/portcullis $mode c$c $(ratio "$(med noaudit "$mode" "$c" 5)" "$a")"
  echo "ratio haproxy/direct $mode c$c $(ratio "$(med haproxy "$mode" "$c" 5)" "$(med direct "$mode" "$c" 5)")"
  echo "ratio pgbouncer/direct $mode c$c $(ratio "$(med pgbouncer "$mode" "$c" 5)" "$(med direct "$mode" "$c" 5)")"
done; done
# connection setup time: lower is better, so this ratio is portcullis' time over haproxy's
echo "ratio portcullis/haproxy connect-time c8 $(ratio "$(med audit connect 8 6)" "$(med haproxy connect 8 6)")"
echo "ratio portcullis/direct connect-time c8 $(ratio "$(med audit connect 8 6)" "$(med direct connect 8 6)")"

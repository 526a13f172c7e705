#!/usr/bin/env bash
# The audit pipeline end to end: pgbench through a Portcullis node that publishes every message
# to Kafka, and a real audit-collector indexing them.
#   1. live: events/s indexed while the load runs, and p50/p99 from an event's createdAt (when
#      the proxy saw the message) to the commit that made it searchable (the collector's
#      portcullis_audit_index_delay_seconds);
#   2. steady: everything warm, pgbench at a fixed rate (-R $RATE, default 5000/s, one event per
#      transaction): p50/p99 createdAt -> searchable when the collector keeps up (from the
#      delay's histogram buckets, before and after);
#   3. drain: the collector paused (SIGSTOP) while a backlog builds up, then resumed: events/s
#      it indexes from Kafka when it is the only thing running, warm.
#
#   bench/audit.sh                      30 s of load each
#   SKIP_BUILD=1 DURATION=20 CLIENTS=8 RATE=8000 bench/audit.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DURATION="${DURATION:-30}"
CLIENTS="${CLIENTS:-8}"
RATE="${RATE:-5000}" # the steady phase: events/s the collector should index as they come
export PGSSLMODE=disable

need_tools
build
quiet_machine
machine_line
start_postgres 10
WITH_NOAUDIT_NODE=0 start_portcullis
# the drain's pause (SIGSTOP) must stay within the consumer group's session timeout (10 s by
# default), or the resumed collector first rejoins the group and that is measured too
start_collector -Dportcullis.kafka.session-timeout=$((DURATION + 30))s ${COLLECTOR_OPTS:-} # e.g. COLLECTOR_OPTS=-Dportcullis.kafka.max-batch=2000

metric() { # name[{labels}] -> value (0 when absent)
  curl -sf "http://127.0.0.1:$COLLECTOR_PORT/q/metrics" | awk -v m="$1" 'index($0, m) == 1 { v = $NF } END { print v + 0 }'
}
indexed() { metric portcullis_audit_events_indexed_total; }
load() { # seconds [pgbench options...] -> transactions pgbench committed
  local secs=$1; shift
  PGPASSWORD="$TOKEN" pgbench -h 127.0.0.1 -p "$PORTCULLIS_PORT" -U "$PG_USER" -n -S -M simple -c "$CLIENTS" -j 2 \
    -T "$secs" "$@" "$PG_DB" 2>&1 | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p'
}
wait_indexed() { # target count, timeout s -> seconds it took
  local start; start=$(date +%s.%N)
  local i
  for i in $(seq 1 $(($2 * 10))); do
    [ "$(indexed | cut -d. -f1)" -ge "$1" ] && break
    sleep 0.1
  done
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

say "1. live: pgbench -S -c $CLIENTS -T $DURATION through the audited node, collector indexing as it goes"
before="$(indexed | cut -d. -f1)"
t0=$(date +%s.%N)
tx="$(load "$DURATION")"
# every transaction is one QUERY event; each client adds SESSION_START and SESSION_END
expected=$((before + tx + 2 * CLIENTS))
tail_s="$(wait_indexed "$expected" 120)"
t1=$(date +%s.%N)
got="$(indexed | cut -d. -f1)"
echo "live: $tx transactions -> $((got - before)) events indexed (expected $((expected - before))); last one searchable $tail_s s after the load ended"
awk -v n="$((got - before))" -v a="$t0" -v b="$t1" 'BEGIN { printf "live: %.0f events/s from proxy to index (load plus tail)\n", n / (b - a) }'
echo "live: createdAt -> searchable p50 $(metric 'portcullis_audit_index_delay_seconds{quantile="0.5"') s, p99 $(metric 'portcullis_audit_index_delay_seconds{quantile="0.99"') s"

say "2. steady: pgbench -S -R $RATE (transactions/s) for $DURATION s, everything warm, collector indexing as it goes"
settle_jit "$audit_collector_PID" "$proxy_node_1_PID"
# the delay's cumulative histogram buckets before and after: this phase's own distribution
buckets() { curl -sf "http://127.0.0.1:$COLLECTOR_PORT/q/metrics" | sed -n 's/^portcullis_audit_index_delay_seconds_bucket{.*le="\([^"]*\)".*} \(.*\)$/\1 \2/p'; }
quantiles() { # before-file after-file -> the bucket bounds p50 and p99 fall in, and the count
  join <(sort -k1,1 "$1") <(sort -k1,1 "$2") | awk '{ print ($1 == "+Inf" ? 1e18 : $1 + 0), $3 - $2 }' | sort -g |
    awk '{ le[NR] = $1; c[NR] = $2 } END { t = c[NR]
      for (i = 1; i <= NR; i++) { if (p50 == "" && c[i] >= 0.5 * t) p50 = le[i]; if (p99 == "" && c[i] >= 0.99 * t) p99 = le[i] }
      printf "p50 <= %.3f s, p99 <= %.3f s (%d events)\n", p50, p99, t }'
}
buckets > "$RUN/buckets.before"
before="$(indexed | cut -d. -f1)"
tx="$(load "$DURATION" -R "$RATE")"
tail_s="$(wait_indexed "$((before + tx + 2 * CLIENTS))" 120)"
buckets > "$RUN/buckets.after"
echo "steady: $tx transactions at -R $RATE ($((tx / DURATION)) events/s); last event searchable $tail_s s after the load ended"
echo "steady: createdAt -> searchable $(quantiles "$RUN/buckets.before" "$RUN/buckets.after")"

say "3. drain: collector paused (SIGSTOP), $DURATION s of load builds a backlog, then the collector alone"
# paused, not restarted: a restarted JVM spends the first 30 s or so compiling (40 % of its CPU
# during a cold drain, async-profiler), which measured its warm-up rather than its capacity; the
# pause stays below the consumer group's session timeout (DURATION + 30 s here), so no rebalance either
base="$(indexed | cut -d. -f1)" # the live phase is indexed by now: this count no longer moves
kill -STOP "$audit_collector_PID"
tx2="$(load "$DURATION")"
sleep 3 # the proxy's last batches reach Kafka
kill -CONT "$audit_collector_PID"
profile_start collector="$audit_collector_PID"
t0=$(date +%s.%N)
took="$(wait_indexed "$((base + tx2 + 2 * CLIENTS))" 600)"
got2="$(( $(indexed | cut -d. -f1) - base ))"
profile_stop drain
echo "drain: $got2 backlog events indexed in $took s after the collector resumed"
awk -v n="$got2" -v s="$took" 'BEGIN { if (s > 0) printf "drain: %.0f events/s\n", n / s }'
echo "cpu[s] during the run: collector $(cpu_of "$audit_collector_PID"), kafka $(cpu_of "$KAFKA_PID"), node $(cpu_of "$proxy_node_1_PID")"

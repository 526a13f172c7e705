#!/usr/bin/env bash
# Memory per idle session through one Portcullis proxy node (audit to Kafka on), and how many
# sessions that node holds with a 512 MiB heap.
#
# The node's upstream is PgBouncer in transaction pooling in front of PostgreSQL, so that
# thousands of idle sessions do not need thousands of PostgreSQL backends: what is measured is
# the node. Heap is measured after a full GC (jcmd GC.run, then GC.heap_info); RSS from /proc.
#
#   bench/sessions.sh                       1,000 sessions, then as many as the fd limit allows
#   SKIP_BUILD=1 SESSIONS=1000 MAX_SESSIONS=9000 bench/sessions.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SESSIONS="${SESSIONS:-1000}"
# each session takes two of the node's file descriptors (client and upstream)
FD_LIMIT="$(ulimit -Hn)"
ulimit -n "$FD_LIMIT"
MAX_SESSIONS="${MAX_SESSIONS:-$(( (FD_LIMIT - 400) / 2 ))}"
export PGSSLMODE=disable

need_tools
build
quiet_machine
machine_line
start_postgres 1
BOUNCER_POOL=20 start_pgbouncer transaction
WITH_NOAUDIT_NODE=0 JAVA_HEAP=512m start_portcullis "$BOUNCER_PORT"
NODE="$proxy_node_1_PID"

heap_kib() { # used heap after a full GC, KiB
  jcmd "$NODE" GC.run > /dev/null
  sleep 1
  jcmd "$NODE" GC.heap_info | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1
}
rss_kib() { awk '/VmRSS/ { print $2 }' "/proc/$NODE/status"; }

# a few sessions first, so that the first-connection costs (classes, JIT, pools) are not
# counted as per-session memory
HOLD_NO=0
hold() { # count -> starts a holder (its stdin is a fifo kept open here); waits until it reports
  HOLD_NO=$((HOLD_NO + 1))
  local fifo="$RUN/hold-$HOLD_NO.in" out="$RUN/hold-$HOLD_NO.out"
  mkfifo "$fifo"
  PGPASSWORD="$TOKEN" java "$ROOT/bench/src/IdleSessions.java" 127.0.0.1 "$PORTCULLIS_PORT" "$PG_USER" "$PG_DB" "$1" 8 \
    < "$fifo" > "$out" 2>&1 9>&- &
  PIDS+=($!)
  exec {HOLD_FD}> "$fifo"
  HOLDERS+=("$HOLD_FD")
  local i
  for i in $(seq 1 2400); do
    grep -q "^open" "$out" 2>/dev/null && break
    sleep 0.25
  done
  head -3 "$out" >&2
}
HOLDERS=()
sessions_now() { curl -sf "http://127.0.0.1:$NODE1_ADMIN/q/metrics" | awk '/^portcullis_proxy_sessions_active/ { print int($2) }'; }

hold 20
base_heap="$(heap_kib)"; base_rss="$(rss_kib)"; base_n="$(sessions_now)"
say "baseline: $base_n sessions, heap $base_heap KiB used after GC, RSS $base_rss KiB"
hold "$SESSIONS"
n="$(sessions_now)"
heap="$(heap_kib)"; rss="$(rss_kib)"
per_heap=$(( (heap - base_heap) * 1024 / (n - base_n) ))
per_rss=$(( (rss - base_rss) * 1024 / (n - base_n) ))
echo
echo "idle sessions: $n (added $((n - base_n)))"
echo "heap per idle session: $per_heap bytes ($(( per_heap / 1024 )) KiB)   [heap after GC: $base_heap -> $heap KiB]"
echo "RSS per idle session:  $per_rss bytes ($(( per_rss / 1024 )) KiB)   [RSS: $base_rss -> $rss KiB]"

more=$(( MAX_SESSIONS - n ))
if [ "$more" -gt 0 ]; then
  say "now up to $MAX_SESSIONS sessions (the fd limit, $FD_LIMIT, allows about that many on one node)"
  hold "$more"
  n2="$(sessions_now)"; heap2="$(heap_kib)"; rss2="$(rss_kib)"
  echo "sessions held with -Xmx512m: $n2   [heap after GC $heap2 KiB, RSS $rss2 KiB]"
  echo "heap per session at that count: $(( (heap2 - base_heap) * 1024 / (n2 - base_n) )) bytes"
  echo "extrapolated sessions in 512 MiB of heap: $(( (524288 - base_heap) * 1024 / ((heap2 - base_heap) * 1024 / (n2 - base_n)) ))"
fi
for fd in "${HOLDERS[@]}"; do eval "exec $fd>&-"; done

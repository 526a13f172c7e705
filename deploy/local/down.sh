#!/usr/bin/env bash
# Stops what deploy/local/up.sh started. Data stays in .portcullis/ for the next start.
set -uo pipefail
STATE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.portcullis"
for name in haproxy proxy-node-2 proxy-node-1 proxy-node audit-collector policy-service api-server; do
  pidfile="$STATE/$name.pid"
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    printf '==> stopping %s (pid %s)\n' "$name" "$pid"
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"
done
if [ -f "$STATE/kafka/kafka.pid" ] && kill -0 "$(cat "$STATE/kafka/kafka.pid")" 2>/dev/null; then
  printf '==> stopping Kafka\n'
  kill "$(cat "$STATE/kafka/kafka.pid")"
  for _ in $(seq 1 60); do kill -0 "$(cat "$STATE/kafka/kafka.pid")" 2>/dev/null || break; sleep 0.25; done
  rm -f "$STATE/kafka/kafka.pid"
fi
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -n "$BIN" ] && [ -f "$STATE/demo-postgres/data/postmaster.pid" ]; then
  printf '==> stopping the demo PostgreSQL\n'
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$BIN/pg_ctl" -D "$STATE/demo-postgres/data" -m fast stop >/dev/null
  else "$BIN/pg_ctl" -D "$STATE/demo-postgres/data" -m fast stop >/dev/null; fi
fi
echo "stopped"

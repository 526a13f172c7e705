#!/usr/bin/env bash
# Stops what deploy/local/up.sh started. Data stays in .portcullis/ for the next start.
set -uo pipefail
STATE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.portcullis"
for name in policy-service api-server; do
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
echo "stopped"

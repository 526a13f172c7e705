#!/usr/bin/env bash
# The local demo's upstream: a throwaway PostgreSQL cluster (SCRAM, TLS with a self-signed
# certificate) with roles `app` and `prod` and a database `demo`. Passwords are random and
# land in files only Portcullis reads. Usage: demo-postgres.sh DIR PORT. Idempotent.
set -euo pipefail
DIR="$1"; PORT="$2"
say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
[ -n "$BIN" ] && [ -x "$BIN/initdb" ] || die "the demo needs PostgreSQL server binaries (Debian: apt-get install postgresql)"

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ -f "$DIR/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  say "demo PostgreSQL already running on port $PORT"; exit 0
fi
mkdir -p "$DIR"
if [ ! -d "$DIR/data" ]; then
  say "creating the demo PostgreSQL cluster"
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DIR/app-password"
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DIR/prod-password"
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DIR/superuser-password"
  chmod 600 "$DIR"/*-password
  [ "$(id -u)" = 0 ] && chown postgres "$DIR" && cp "$DIR/superuser-password" "$DIR/pwfile" && chown postgres "$DIR/pwfile"
  [ "$(id -u)" = 0 ] || cp "$DIR/superuser-password" "$DIR/pwfile"
  as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --pwfile="$DIR/pwfile" --auth-host=scram-sha-256 --auth-local=trust >"$DIR/initdb.log" 2>&1
  rm -f "$DIR/pwfile"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
    -keyout "$DIR/server.key" -out "$DIR/server.crt" >/dev/null 2>&1 || true
  if [ -f "$DIR/server.crt" ]; then
    cp "$DIR/server.crt" "$DIR/server.key" "$DIR/data/"; chmod 600 "$DIR/data/server.key"
    [ "$(id -u)" = 0 ] && chown postgres "$DIR/data/server.crt" "$DIR/data/server.key"
    echo "ssl = on" >> "$DIR/data/postgresql.conf"
  fi
  cat >> "$DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
CONF
  INIT=1
fi
say "starting the demo PostgreSQL on port $PORT"
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w start >/dev/null
if [ "${INIT:-0}" = 1 ]; then
  as_pg "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE ROLE app LOGIN PASSWORD '$(cat "$DIR/app-password")';
CREATE ROLE prod LOGIN PASSWORD '$(cat "$DIR/prod-password")';
CREATE DATABASE demo OWNER app;
GRANT ALL ON DATABASE demo TO prod;
SQL
fi

#!/usr/bin/env bash
# Installs the system packages Portcullis' tests and local launcher use, when missing:
# PostgreSQL (server for the demo upstream and test clusters; psql and pgbench clients) and
# HAProxy (the TCP load balancer in front of proxy nodes), kubectl (renders deploy/k8s in a
# test; Debian's package for it is kubernetes-client, whose kubectl 1.20 embeds a kustomize that
# deploy/k8s is kept compatible with), Node.js and npm (node-postgres, a real client in the tests).
# Java and Maven are assumed.
# Debian/Ubuntu with apt; as root (or with sudo). Safe to run again.
set -euo pipefail
missing=()
command -v psql >/dev/null || missing+=(postgresql-client)
command -v pgbench >/dev/null || missing+=(postgresql-client)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v kubectl >/dev/null || command -v kustomize >/dev/null || missing+=(kubernetes-client)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
pkgs="$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')"
if ! command -v apt-get >/dev/null; then
  echo "warning: missing $pkgs and no apt-get here; install them by hand" >&2; exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "==> installing $pkgs"
$SUDO apt-get update -qq || echo "warning: apt-get update failed; trying with the package lists at hand" >&2
for pkg in $pkgs; do
  # one at a time: a package this machine's sources lack must not keep the others out
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null \
    || echo "warning: could not install $pkg; the tests that need it will say so" >&2
done
# the Debian packages start services we do not use: leave them stopped
$SUDO service haproxy stop >/dev/null 2>&1 || true

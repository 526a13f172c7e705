#!/usr/bin/env bash
# Policy benchmarks (issue 3): decisions/s of the policy engine alone (JMH), then Authorize
# latency over loopback gRPC against a real api-server + policy-service (AuthorizeLatency).
# Builds what it needs first; about 2.5 minutes once built. Loopback only; stops by itself.
#
#   bench/policy.sh                 build, then both
#   SKIP_BUILD=1 bench/policy.sh    reuse the last build
#   ONLY=jmh|grpc bench/policy.sh   one of the two
#   CALLS=20000 WARMUP=20000 THREADS=1,4 JMH_ARGS="-wi 3 -i 5" bench/policy.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAR="$ROOT/bench/jmh/target/benchmarks.jar"
OUT="$ROOT/bench/jmh/target"
ONLY="${ONLY:-all}"

say() { printf '\n==> %s\n' "$*"; }
BUILD_LOG="$(mktemp -t portcullis-bench-build.XXXXXX)"
mvn_locked() { # quiet on success; the log's tail on failure
  flock /tmp/portcullis-mvn.lock mvn -B -q "$@" >> "$BUILD_LOG" 2>&1 \
    || { tail -40 "$BUILD_LOG"; echo "error: build failed; full log in $BUILD_LOG" >&2; exit 1; }
}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # the engine (policy-service's jar) and testkit into ~/.m2, and the packaged api-server and
  # policy-service apps that AuthorizeLatency runs as processes (policy-service -am builds both)
  say "building policy-service and api-server (mvn install -pl policy-service -am -DskipTests)"
  mvn_locked install -pl policy-service -am -DskipTests
  say "building the benchmark jar (bench/jmh, outside the root reactor)"
  mvn_locked -f bench/jmh/pom.xml package
fi
rm -f "$BUILD_LOG"
[ -f "$JAR" ] || { echo "error: $JAR is missing; run without SKIP_BUILD=1" >&2; exit 1; }

echo
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $(java -version 2>&1 | head -1)"

if [ "$ONLY" = all ] || [ "$ONLY" = jmh ]; then
  say "JMH: PolicyEngine.decide on the reference setup, in memory, 1 thread"
  # shellcheck disable=SC2086
  java -jar "$JAR" 'dev.portcullis.bench.PolicyDecisionBenchmark' -f 1 -t 1 ${JMH_ARGS:--wi 3 -w 2s -i 5 -r 3s} \
    -rf json -rff "$OUT/policy-decisions.json" > "$OUT/policy-decisions.log" 2>&1 \
    || { tail -40 "$OUT/policy-decisions.log"; exit 1; }
  sed -n '/^Benchmark /,$p' "$OUT/policy-decisions.log"
  echo "(decisions per second; full log in bench/jmh/target/policy-decisions.log)"
fi

if [ "$ONLY" = all ] || [ "$ONLY" = grpc ]; then
  say "Authorize over loopback gRPC: real api-server + policy-service processes"
  java -Xmx256m \
    -Dtestkit.project.root="$ROOT" \
    -Dportcullis.admin-token="${PORTCULLIS_ADMIN_TOKEN:-bench-admin-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')}" \
    -Dbench.calls="${CALLS:-20000}" -Dbench.warmup="${WARMUP:-20000}" -Dbench.threads="${THREADS:-1,4}" \
    -cp "$JAR" dev.portcullis.bench.AuthorizeLatency
fi

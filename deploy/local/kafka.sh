#!/usr/bin/env bash
# The local launcher's Kafka: one KRaft node (broker and controller) from the jars that
# deploy/kafka copies out of Maven Central. Usage: kafka.sh DIR PORT. Idempotent.
set -euo pipefail
DIR="$1"; PORT="$2"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LIB="$ROOT/deploy/kafka/target/lib"
say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
[ -d "$LIB" ] || die "Kafka jars missing in $LIB (mvn -pl deploy/kafka package)"
mkdir -p "$DIR"
if [ -f "$DIR/kafka.pid" ] && kill -0 "$(cat "$DIR/kafka.pid")" 2>/dev/null; then
  say "Kafka already running on port $PORT"; exit 0
fi
CONTROLLER_PORT=$((PORT + 1))
cat > "$DIR/server.properties" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DIR/data
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
num.network.threads=2
num.io.threads=2
CONF
if [ ! -f "$DIR/data/meta.properties" ]; then
  say "formatting Kafka storage"
  java -cp "$LIB/*" kafka.tools.StorageTool format -t "$(java -cp "$LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
    -c "$DIR/server.properties" > "$DIR/format.log" 2>&1 || { cat "$DIR/format.log"; die "cannot format Kafka storage"; }
fi
say "starting Kafka on port $PORT"
nohup java -Xmx384m -cp "$LIB/*" kafka.Kafka "$DIR/server.properties" > "$DIR/kafka.log" 2>&1 &
echo $! > "$DIR/kafka.pid"
for _ in $(seq 1 120); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && exit 0
  kill -0 "$(cat "$DIR/kafka.pid")" 2>/dev/null || { tail -20 "$DIR/kafka.log"; die "Kafka exited; see $DIR/kafka.log"; }
  sleep 0.5
done
die "Kafka did not listen on $PORT within 60 s; see $DIR/kafka.log"

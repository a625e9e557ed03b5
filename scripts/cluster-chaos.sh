#!/usr/bin/env bash
# Chaos soak on a real high-availability cluster: JobManager kills among the other faults.
# Starts the cluster of scripts/flink-cluster.sh with FLINK_HA=zookeeper (ZooKeeper on
# 127.0.0.1:2191, two JobManagers, two TaskManagers), then runs ClusterChaosSoakTest: the examples'
# CountJob reads a 4-shard kinesis-local stream through a fault proxy and mirrors its positions to
# PostgreSQL through a TCP proxy, while a producer writes keyed events at a steady rate and a seeded
# schedule splits and merges shards, throttles and fails Kinesis calls, expires iterators, takes the
# store dark, kills TaskManagers and kills the leading JobManager. At the end: counts and order
# sums exact per customer, nothing out of order, no stored position went back, the store at the
# last record of every shard. Prints "SOAK event" lines and a "SOAK summary" table.
#
#   scripts/cluster-chaos.sh                          # 30 minutes, a new seed (printed)
#   SOAK_MINUTES=3 CHAOS_SKIP_BUILD=1 scripts/cluster-chaos.sh   # the short version (.ci/run)
#   CHAOS_SEED=123456 scripts/cluster-chaos.sh        # replay a schedule
#   SOAK_RATE=100                                     # records/s written (default 100)
#   FLINK_VERSION=2.3.0 scripts/cluster-chaos.sh      # the cluster on Flink 2.x
#   CHAOS_SABOTAGE=ha-storage scripts/cluster-chaos.sh   # empties the HA storage after each
#                                                     # JobManager kill: must fail (job lost)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export FLINK_VERSION="${FLINK_VERSION:-1.20.3}" FLINK_HA=zookeeper
if [[ "$FLINK_VERSION" == 1.* ]]; then LINE_PROFILE=(); LINE_TARGET=target; else LINE_PROFILE=(-Pflink2); LINE_TARGET=target/flink-2; fi
JAR="$ROOT/examples/$LINE_TARGET/kinesis-consumer-examples-0.1.0-SNAPSHOT.jar"
LOGS="$ROOT/.local/cluster-chaos"
mkdir -p "$LOGS"
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in 8081 8082 6123 6124 2191; do
  if port_open "$p"; then echo "cluster-chaos: port $p is in use: another Flink cluster or ZooKeeper runs" >&2; exit 1; fi
done
bash scripts/services.sh start kinesis-local postgres
if [[ -z "${CHAOS_SKIP_BUILD:-}" || ! -f "$JAR" ]]; then
  echo "cluster-chaos: building the library and the examples jar"
  mvn -q -B -ntp "${LINE_PROFILE[@]}" install -DskipTests -Dspotless.check.skip=true
  mvn -q -B -ntp "${LINE_PROFILE[@]}" -f examples/pom.xml clean package -DskipTests # clean: else the old library stays in the shaded jar
fi
trap 'bash scripts/flink-cluster.sh stop >/dev/null 2>&1 || true' EXIT
echo "cluster-chaos: starting the Flink $FLINK_VERSION HA cluster"
bash scripts/flink-cluster.sh start 2>"$LOGS/cluster-start.log" || { cat "$LOGS/cluster-start.log" >&2; exit 1; }
seed=()
[[ -n "${CHAOS_SEED:-}" ]] && seed=(-Dsoak.seed="$CHAOS_SEED")
mvn -B -ntp -Psoak test -Dtest=ClusterChaosSoakTest -Dspotless.check.skip=true \
  -Dchaos.cluster.jar="$JAR" -Dchaos.flink.version="$FLINK_VERSION" -Dchaos.root="$ROOT" \
  -Dchaos.sabotage="${CHAOS_SABOTAGE:-}" \
  -Dsoak.minutes="${SOAK_MINUTES:-30}" -Dsoak.rate="${SOAK_RATE:-100}" "${seed[@]}" "$@"

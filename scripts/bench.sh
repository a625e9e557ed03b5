#!/usr/bin/env bash
# Runs a benchmark main class from the test classpath against the local services.
#
#   scripts/bench.sh mirror      # mirror latency per checkpoint store, 10/100/1000 shards
#   scripts/bench.sh throughput  # raw SDK loop vs KinesisSource vs legacy FlinkKinesisConsumer
#                                # vs KinesisConsumer.scan on the in-process stand-in
#                                # (options: --full, --shards=1,4,16,64, --sizes=100,1024,
#                                #  --parallelism=1,2, --records=1000000, --readers=raw,source,
#                                #  legacy,scan,source-ckpt,source-pg, source-sdkparse (the SDK
#                                #  decoding GetRecords), --rounds=N (interleaved), --no-warmup)
#   scripts/bench.sh throughput-kinesalite  # the same readers on kinesalite (real emulator)
#   scripts/bench.sh discovery   # enumerator: discover and assign a 10,000-shard stream
#   scripts/bench.sh decode [bytes] [seconds]  # JSON GetRecords decoding alone, ns and bytes per record
#   scripts/bench.sh latency     # put->emit p50/p99 at 1,000 records/s over 4 shards (kinesalite)
#
# Prints a table and one "RESULT <name> <value> <unit>" line per figure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

EXTRA=()
HEAP=-Xmx2g
case "${1:-}" in
  mirror) MAIN=io.github.kinesisconsumer.bench.MirrorLatencyBenchmark; SERVICES=(dynamodb postgres mysql redis) ;;
  throughput) MAIN=io.github.kinesisconsumer.bench.ThroughputBenchmark; SERVICES=(); HEAP=-Xmx6g ;;
  throughput-kinesalite) MAIN=io.github.kinesisconsumer.bench.ThroughputBenchmark; SERVICES=(kinesalite); HEAP=-Xmx6g ;;
  latency) MAIN=io.github.kinesisconsumer.bench.LatencyBenchmark; SERVICES=(kinesalite); HEAP=-Xmx2g ;;
  latency-efo) MAIN=io.github.kinesisconsumer.bench.LatencyBenchmark; SERVICES=(kinesis-local); HEAP=-Xmx2g ;;
  discovery) MAIN=io.github.kinesisconsumer.bench.DiscoveryBenchmark; SERVICES=(); HEAP=-Xmx2g ;;
  decode) MAIN=io.github.kinesisconsumer.kinesis.wire.DecodeBenchmark; SERVICES=(); HEAP=-Xmx2g ;;
  *) echo "usage: scripts/bench.sh mirror|throughput|throughput-kinesalite|discovery|decode|latency|latency-efo [options]" >&2; exit 2 ;;
esac
NAME="$1"
shift

if ((${#SERVICES[@]})); then
  bash scripts/services.sh start "${SERVICES[@]}"
  eval "$(bash scripts/services.sh env)"
fi
if [[ "$NAME" == throughput-kinesalite ]]; then
  EXTRA+=("--kinesalite=${KC_KINESALITE_ENDPOINT:?kinesalite endpoint not set}")
fi
if [[ "$NAME" == latency ]]; then
  EXTRA+=("--endpoint=${KC_KINESALITE_ENDPOINT:?kinesalite endpoint not set}")
fi
if [[ "$NAME" == latency-efo ]]; then
  # polling and enhanced fan-out on the same emulator (kinesalite has no SubscribeToShard);
  # kinesis-local slows down as shards fill, so a lower rate and a shorter run
  EXTRA+=("--endpoint=${KC_KINESIS_LOCAL_ENDPOINT:?kinesis-local endpoint not set}" --modes=polling,efo --rate=200 --seconds=20)
fi
# -Pbench compiles the harness (src/bench/java) and puts the legacy flink-connector-kinesis on
# the test classpath (benchmarks only).
mvn -B -q -ntp -Pbench test-compile -Dspotless.check.skip=true
mvn -B -q -ntp -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
exec java "$HEAP" --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
  -Djava.net.preferIPv4Stack=true \
  -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" "$MAIN" "${EXTRA[@]}" "$@"

#!/usr/bin/env bash
# Runs a benchmark main class from the test classpath against the local services.
#
#   scripts/bench.sh mirror     # mirror latency per checkpoint store, 10/100/1000 shards
#
# Prints a table and one "RESULT <name> <value> <unit>" line per figure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

case "${1:-}" in
  mirror) MAIN=io.github.kinesisconsumer.bench.MirrorLatencyBenchmark; SERVICES=(dynamodb postgres mysql redis) ;;
  *) echo "usage: scripts/bench.sh mirror" >&2; exit 2 ;;
esac
shift

bash scripts/services.sh start "${SERVICES[@]}"
eval "$(bash scripts/services.sh env)"
mvn -B -q -ntp test-compile -Dspotless.check.skip=true
mvn -B -q -ntp dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
exec java -Xmx2g -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" "$MAIN" "$@"

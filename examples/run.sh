#!/usr/bin/env bash
# Runs one example from its main class, with Flink on the class path (an embedded Flink for the
# job, web UI on http://127.0.0.1:8081). Builds the examples first if they are not built yet.
#
#   examples/run.sh producer   --stream orders --create-stream 4 --count 2000 --rate 1000
#   examples/run.sh flink-job  --stream orders --app orders-demo [--store postgres] [--bounded]
#   examples/run.sh scan       --stream orders --app orders-demo [--max-records N] [--idle-exit 5s]
#   examples/run.sh scan-batch --stream orders --app orders-demo [--batch-size 100]
#   examples/run.sh checkpoints --stream orders --app orders-demo [--store postgres]
#   examples/run.sh count-job  --stream orders --app orders-count   (the end-to-end test's job)
#   examples/run.sh group-worker --stream orders --app orders-demo --group orders-demo --worker w1
#
# The library must be in the local Maven repository: `mvn -B install -DskipTests` in the root.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

case "${1:-}" in
  producer) MAIN=Producer ;;
  flink-job) MAIN=OrderWindowJob ;;
  scan) MAIN=Scan ;;
  scan-batch) MAIN=ScanBatch ;;
  checkpoints) MAIN=Checkpoints ;;
  count-job) MAIN=CountJob ;;
  group-worker) MAIN=GroupWorker ;;
  *) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
shift

CP_FILE="$HERE/target/classpath.txt"
if [[ ! -f "$CP_FILE" || ! -d "$HERE/target/classes" || "$HERE/pom.xml" -nt "$CP_FILE" ]]; then
  mvn -q -B -ntp -f "$HERE/pom.xml" compile dependency:build-classpath \
    -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=compile >&2
fi

exec java ${EXAMPLES_JAVA_OPTS:--Xmx1g} \
  --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
  -Djava.net.preferIPv4Stack=true \
  -cp "$HERE/target/classes:$(cat "$CP_FILE")" "io.github.kinesisconsumer.examples.$MAIN" "$@"

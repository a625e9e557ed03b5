#!/usr/bin/env bash
# Checks the self-contained SQL jar (classifier sql) the way SQL users use it: a SQL program that
# carries no connector class runs on a class path of Flink's jars (the standalone cluster's lib/,
# from scripts/flink-cluster.sh, with the table planner and the JSON format) plus ONLY the sql jar.
# It reads a kinesalite stream bounded at job start with a metadata column and a PostgreSQL
# checkpoint store, and computes per-customer one-day windows; the script compares the counts and
# sums with what the producer wrote and checks the store's rows. Also checks that the library jar
# holds only our classes and that every class in the sql jar is ours or relocated under
# io.github.kinesisconsumer.shaded. Then the same on the standalone cluster: the sql jar copied into
# its lib/, the program (a jar with that one class) submitted, its windows read from the print sink
# in the TaskManagers' output. The sql jar is taken out of lib/ again at the end.
#
#   scripts/sql-jar-check.sh              (after mvn package; FLINK_VERSION=2.3.0 with -Pflink2)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
FLINK_VERSION="${FLINK_VERSION:-1.20.3}"
export FLINK_VERSION
if [[ "$FLINK_VERSION" == 1.* ]]; then TARGET=target; LINE=1.20; else TARGET=target/flink-2; LINE=2.3; fi
JAR="$TARGET/kinesis-consumer-0.1.0-$LINE-SNAPSHOT.jar"
SQL_JAR="$TARGET/kinesis-consumer-0.1.0-$LINE-SNAPSHOT-sql.jar"
RECORDS="${SQL_CHECK_RECORDS:-2000}"
CUSTOMERS=20
say() { printf '[sql-jar] %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }
[[ -f "$JAR" && -f "$SQL_JAR" ]] || fail "build first: no $JAR or $SQL_JAR"

# 1. what each jar holds
others="$(unzip -Z1 "$JAR" | grep -v '/$' | grep -v '^io/github/kinesisconsumer/' | grep -v '^META-INF/' || true)"
[[ -z "$others" ]] || fail "the library jar holds other files: $(echo "$others" | head -5)"
loose="$(unzip -Z1 "$SQL_JAR" | grep '\.class$' | grep -v '^io/github/kinesisconsumer/' || true)"
[[ -z "$loose" ]] || fail "unrelocated classes in the sql jar: $(echo "$loose" | head -5)"
grep -qx 'io.github.kinesisconsumer.table.KinesisDynamicTableFactory' \
  <(unzip -p "$SQL_JAR" META-INF/services/org.apache.flink.table.factories.Factory) \
  || fail "the sql jar does not register the table factory"
say "library jar: only io/github/kinesisconsumer classes; sql jar: $(unzip -Z1 "$SQL_JAR" | grep -c '\.class$') classes, all ours or relocated"

# 2. the SQL program on Flink's class path plus the sql jar alone
bash scripts/services.sh start kinesalite postgres >/dev/null
eval "$(bash scripts/services.sh env)"
LIB="$(bash scripts/flink-cluster.sh lib)"
WORK="$ROOT/.local/sql-jar-check"; rm -rf "$WORK"; mkdir -p "$WORK/classes"
javac -d "$WORK/classes" -cp "$LIB/*" scripts/sql/SqlJarJob.java
STREAM="sql-jar-$(date +%s)-$$"; APP="sql-jar-check"
examples/run.sh producer --stream "$STREAM" --endpoint "$KC_KINESALITE_ENDPOINT" --cbor false \
  --create-stream 4 --count "$RECORDS" --rate 0 --customers "$CUSTOMERS" >"$WORK/producer.log" 2>&1 \
  || { cat "$WORK/producer.log"; fail "producer"; }
java --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
  -Dlog4j.configurationFile="file:$ROOT/scripts/flink/conf/log4j.properties" -Dlog.file="$WORK/job.log" \
  -cp "$WORK/classes:$LIB/*:$SQL_JAR" SqlJarJob "$KC_KINESALITE_ENDPOINT" "$STREAM" "$APP" \
  "$KC_PG_URL" >"$WORK/out.txt" 2>"$WORK/err.txt" || { tail -40 "$WORK/err.txt"; fail "the SQL program"; }

# 3. the result: per customer, counts and sums over the windows equal what was written
expected="$(python3 - "$RECORDS" "$CUSTOMERS" <<'PY'
import sys
n, c = int(sys.argv[1]), int(sys.argv[2])
count, total = [0]*c, [0.0]*c
for i in range(n):
    count[i % c] += 1
    total[i % c] += round(((i * 7919) % 10000) / 100.0 + 1, 2)
for k in range(c):
    print("c%02d %d %.2f" % (k, count[k], total[k]))
PY
)"
actual="$(awk '$1 == "ROW" {n[$2] += $4; s[$2] += $5} END {for (k in n) printf "%s %d %.2f\n", k, n[k], s[k]}' "$WORK/out.txt" | sort)"
[[ "$actual" == "$expected" ]] || { diff <(echo "$expected") <(echo "$actual") || true; fail "windowed counts and sums differ from what was written"; }
shards="$(awk '$1 == "ROW" {print $6}' "$WORK/out.txt" | sort -n | tail -1)"
rows="$(psql -h 127.0.0.1 -p "${KC_PG_PORT:-5432}" -U postgres -d test -tAc \
  "SELECT count(*) FROM kinesis_checkpoints WHERE namespace = '$APP-$STREAM'" 2>/dev/null || echo '?')"
[[ "$rows" == 4 ]] || fail "the checkpoint store holds $rows rows for $APP-$STREAM, expected 4"
say "local execution: $RECORDS records in $(grep -c '^ROW' "$WORK/out.txt") window rows, exact"

# 4. the same on the standalone cluster, the sql jar in its lib/
REST="http://127.0.0.1:${FLINK_REST_PORT:-8081}"
if curl -sf -m 2 "$REST/overview" >/dev/null 2>&1; then fail "a Flink cluster already runs on $REST; stop it first"; fi
cp "$SQL_JAR" "$LIB/zz-kinesis-consumer-sql.jar"
cleanup() { bash scripts/flink-cluster.sh stop >/dev/null 2>&1 || true; rm -f "$LIB/zz-kinesis-consumer-sql.jar"; }
trap cleanup EXIT
(cd "$WORK/classes" && jar cf "$WORK/sql-program.jar" SqlJarJob.class)
RUN_DIR="$(dirname "$LIB")/run"
rm -f "$RUN_DIR"/taskmanager-*.out   # the print sink's rows of this run only
bash scripts/flink-cluster.sh start >"$WORK/cluster.log" 2>&1 || { tail -20 "$WORK/cluster.log"; fail "cluster start"; }
STREAM2="$STREAM-cluster"; APP2="$APP-cluster"
examples/run.sh producer --stream "$STREAM2" --endpoint "$KC_KINESALITE_ENDPOINT" --cbor false \
  --create-stream 4 --count "$RECORDS" --rate 0 --customers "$CUSTOMERS" >>"$WORK/producer.log" 2>&1 \
  || { cat "$WORK/producer.log"; fail "producer"; }
JOB="$(bash scripts/flink-cluster.sh submit "$WORK/sql-program.jar" --class SqlJarJob -- \
  "$KC_KINESALITE_ENDPOINT" "$STREAM2" "$APP2" "$KC_PG_URL" print 2>>"$WORK/cluster.log")" \
  || { tail -20 "$WORK/cluster.log"; fail "submit"; }
state=""
for _ in $(seq 1 120); do
  state="$(curl -sf -m 5 "$REST/jobs/$JOB" | jq -r .state 2>/dev/null || true)"
  [[ "$state" == FINISHED || "$state" == FAILED || "$state" == CANCELED ]] && break
  sleep 1
done
[[ "$state" == FINISHED ]] || fail "the SQL job on the cluster ended $state (see $RUN_DIR)"
cluster_actual="$(cat "$RUN_DIR"/taskmanager-*.out 2>/dev/null | sed -n 's/.*WINDOW[^[]*\[\(.*\)\]$/\1/p' \
  | awk -F', ' '{n[$1] += $3; s[$1] += $4} END {for (k in n) printf "%s %d %.2f\n", k, n[k], s[k]}' | sort)"
[[ "$cluster_actual" == "$expected" ]] || { diff <(echo "$expected") <(echo "$cluster_actual") || true; fail "cluster: windowed counts and sums differ from what was written"; }
rows2="$(psql -h 127.0.0.1 -p "${KC_PG_PORT:-5432}" -U postgres -d test -tAc \
  "SELECT count(*) FROM kinesis_checkpoints WHERE namespace = '$APP2-$STREAM2'" 2>/dev/null || echo '?')"
[[ "$rows2" == 4 ]] || fail "cluster: the checkpoint store holds $rows2 rows for $APP2-$STREAM2, expected 4"
say "cluster (Flink $FLINK_VERSION, sql jar in lib/): job $JOB FINISHED, per-customer counts and sums exact, store rows: $rows2"
say "PASSED: $RECORDS records in $(grep -c '^ROW' "$WORK/out.txt") window rows, per-customer counts and sums exact (metadata shard_id: up to $shards shards per customer); store rows: $rows"

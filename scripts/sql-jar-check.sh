#!/usr/bin/env bash
# Checks the self-contained SQL jar (classifier sql) the way SQL users use it: a SQL program that
# carries no connector class runs on a class path of Flink's jars (the standalone cluster's lib/,
# from scripts/flink-cluster.sh, with the table planner and the JSON format) plus ONLY the sql jar.
# It reads a kinesalite stream bounded at job start with a metadata column and a PostgreSQL
# checkpoint store, and computes per-customer one-day windows; the script compares the counts and
# sums with what the producer wrote and checks the store's rows. Also checks that the library jar
# holds only our classes and that every class in the sql jar is ours or relocated under
# io.github.kinesisconsumer.shaded.
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
say "PASSED: $RECORDS records in $(grep -c '^ROW' "$WORK/out.txt") window rows, per-customer counts and sums exact (metadata shard_id: up to $shards shards per customer); store rows: $rows"

#!/usr/bin/env bash
# The whole thing in one command, on this machine: a Kinesis emulator, a producer, a Flink job
# with the Kinesis source and a PostgreSQL checkpoint store, and the standalone consumer taking
# over from the job.
#
#   scripts/demo.sh
#
# Steps: starts kinesis-local and PostgreSQL if they are not running (scripts/services.sh), builds
# the library and the examples, creates a 4-shard stream, runs the Flink job embedded (web UI on
# http://127.0.0.1:8081 while it runs) while the producer writes 2,000 JSON orders to the stream,
# shows the positions the job mirrored into PostgreSQL, lets the standalone consumer (`scan`, same
# app name) read 100 more orders from exactly there, stops what it started and prints a summary.
#
# Settings: DEMO_RECORDS (2000), DEMO_RATE (400 records/s), DEMO_STORE (postgres; or mysql,
# redis, dynamodb, memory), DEMO_SKIP_BUILD=1 (reuse the built library and examples),
# KINESIS_LOCAL_PORT (4567), DEMO_UI_PORT (8081).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RECORDS="${DEMO_RECORDS:-2000}"
RATE="${DEMO_RATE:-400}"
STORE="${DEMO_STORE:-postgres}"
HANDOFF=100
KL_PORT="${KINESIS_LOCAL_PORT:-4567}"
ENDPOINT="http://127.0.0.1:$KL_PORT"
STREAM="orders-demo-$(date +%H%M%S)"
APP="orders-demo"
LOGS="$ROOT/.local/demo"
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log

t0=$SECONDS
step() { printf '\n\033[1m[demo %3ds] %s\033[0m\n' "$((SECONDS - t0))" "$*"; }
fail() { printf '\n[demo] FAILED: %s\n' "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
prefix() { sed -u -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' -e "s/^/  [$1] /"; }

for tool in java mvn node; do
  command -v "$tool" >/dev/null || fail "$tool is required (a JDK 11+, Maven 3.8+, Node.js 18+)"
done

STARTED_KINESIS=0
JOB_PID=""
cleanup() {
  local rc=$?
  [[ -n "$JOB_PID" ]] && kill "$JOB_PID" 2>/dev/null || true
  if ((STARTED_KINESIS)); then
    KINESIS_LOCAL_PORT="$KL_PORT" bash scripts/services.sh stop kinesis-local >/dev/null 2>&1 || true
    echo "[demo] stopped kinesis-local (started by the demo)"
  fi
  exit $rc
}
trap cleanup EXIT

# --- 1. services ---------------------------------------------------------------------------------
step "1/6 services: kinesis-local on $ENDPOINT, the $STORE checkpoint store"
services=(kinesis-local)
case "$STORE" in
  postgres|mysql|redis) services+=("$STORE") ;;
  dynamodb) services+=(dynamodb) ;;
esac
port_open "$KL_PORT" || STARTED_KINESIS=1
KINESIS_LOCAL_PORT="$KL_PORT" bash scripts/services.sh start "${services[@]}" 2>&1 | prefix services
eval "$(KINESIS_LOCAL_PORT="$KL_PORT" bash scripts/services.sh env)"
export KC_PG_URL KC_MYSQL_URL KC_REDIS_URL KC_DYNAMODB_ENDPOINT

# --- 2. build ------------------------------------------------------------------------------------
step "2/6 build: the library (mvn install, no tests) and the examples"
quiet_mvn() { # quiet on success, the whole output on failure
  mvn -B -ntp "$@" >"$LOGS/mvn.log" 2>&1 || { tail -n 60 "$LOGS/mvn.log" | prefix mvn; fail "mvn $* failed"; }
}
if [[ -z "${DEMO_SKIP_BUILD:-}" ]]; then
  quiet_mvn install -DskipTests -Dspotless.check.skip=true
  echo "  library installed into the local Maven repository"
  rm -f examples/target/classpath.txt
fi
quiet_mvn -f examples/pom.xml compile dependency:build-classpath \
  -Dmdep.outputFile="$ROOT/examples/target/classpath.txt" -Dmdep.includeScope=compile
echo "  examples compiled"
step_build_done=$((SECONDS - t0))
run() { examples/run.sh "$@" --endpoint "$ENDPOINT" --stream "$STREAM" --app "$APP" --store "$STORE"; }

# --- 3. stream -----------------------------------------------------------------------------------
step "3/6 stream $STREAM with 4 shards on kinesis-local"
run producer --create-stream 4 --create-only 2>&1 | prefix producer

# --- 4. Flink job + producer ---------------------------------------------------------------------
UI_PORT="${DEMO_UI_PORT:-8081}"
while port_open "$UI_PORT"; do UI_PORT=$((UI_PORT + 1)); done
RUN_FOR=$((RECORDS / RATE + 12))
step "4/6 Flink job (embedded, parallelism 2, 10 s event-time windows) reading for ${RUN_FOR} s; producer writing $RECORDS orders at $RATE/s"
echo "  Flink web UI while the job runs: http://127.0.0.1:$UI_PORT"
run flink-job --run-for "${RUN_FOR}s" --web-ui-port "$UI_PORT" --checkpoint-interval 1s \
  > >(tee "$LOGS/flink-job.log" | prefix flink-job) 2>&1 &
JOB_PID=$!
deadline=$((SECONDS + 90))
until grep -q "flink-job: started" "$LOGS/flink-job.log" 2>/dev/null; do
  kill -0 "$JOB_PID" 2>/dev/null || fail "the Flink job exited early (see $LOGS/flink-job.log)"
  ((SECONDS < deadline)) || fail "the Flink job did not start within 90 s"
  sleep 0.2
done
run producer --count "$RECORDS" --rate "$RATE" 2>&1 | tee "$LOGS/producer.log" | prefix producer
wait "$JOB_PID" || { JOB_PID=""; fail "the Flink job failed (see $LOGS/flink-job.log)"; }
JOB_PID=""

# --- 5. mirrored checkpoints ---------------------------------------------------------------------
step "5/6 the positions the job mirrored into the $STORE store after its last checkpoint"
if [[ "$STORE" == postgres ]] && command -v psql >/dev/null; then
  echo "  psql -h 127.0.0.1 -U postgres test -c \"SELECT shard_id, sequence_number, finished FROM kinesis_checkpoints WHERE namespace = '$APP-$STREAM'\""
  psql -h 127.0.0.1 -p "${KC_PG_PORT:-5432}" -U postgres -d test -c \
    "SELECT shard_id, sequence_number, finished FROM kinesis_checkpoints WHERE namespace = '$APP-$STREAM' ORDER BY shard_id" \
    2>&1 | tee "$LOGS/store.log" | prefix psql
else
  run checkpoints 2>&1 | tee "$LOGS/store.log" | prefix checkpoints
fi

# --- 6. hand-off to the standalone consumer ------------------------------------------------------
step "6/6 hand-off: $HANDOFF more orders; the standalone consumer (scan, app $APP) starts at the job's positions"
if [[ "$STORE" == memory ]]; then
  echo "  (skipped: the memory store lives in the job's process; use DEMO_STORE=postgres)"
else
  run producer --count "$HANDOFF" --first-id "$RECORDS" --rate 0 2>&1 | tee "$LOGS/producer-2.log" | prefix producer
  run scan --idle-exit 3s 2>&1 | tee "$LOGS/scan.log" | prefix scan
fi

# --- summary -------------------------------------------------------------------------------------
produced="$(sed -n 's/.*producer: wrote \([0-9]*\) records.*/\1/p' "$LOGS/producer.log" | tail -1)"
read_n="$(sed -n 's/.*records read: \([0-9]*\),.*/\1/p' "$LOGS/flink-job.log" | tail -1)"
windows="$(sed -n 's/.*windows emitted: \([0-9]*\).*/\1/p' "$LOGS/flink-job.log" | tail -1)"
job_time="$(sed -n 's/.*flink-job: finished in \([0-9.]*\) s.*/\1/p' "$LOGS/flink-job.log" | tail -1)"
scanned="$(sed -n 's/.*scan: read \([0-9]*\) records.*/\1/p' "$LOGS/scan.log" 2>/dev/null | tail -1)"
echo
echo "================================ summary ================================"
printf '  stream:              %s (4 shards, kinesis-local %s)\n' "$STREAM" "$ENDPOINT"
printf '  records produced:    %s\n' "${produced:-?}"
printf '  records read:        %s (Flink job, %s s, web UI was http://127.0.0.1:%s)\n' "${read_n:-?}" "${job_time:-?}" "$UI_PORT"
printf '  windows emitted:     %s (amount per customer per 10 s)\n' "${windows:-?}"
echo   "  last mirrored positions ($STORE, app $APP):"
sed -n 's/.*\(shardId-[0-9]*\)[ |]*\([0-9][0-9]*\).*/    \1  \2/p' "$LOGS/store.log"
if [[ "$STORE" != memory ]]; then
  printf '  hand-off:            the consumer read %s of the %s orders written after the job\n' "${scanned:-?}" "$HANDOFF"
fi
printf '  total time:          %d s (services + build %d s)\n' "$((SECONDS - t0))" "$step_build_done"
echo "========================================================================="
[[ -n "$produced" && "$produced" == "$read_n" ]] || fail "records read (${read_n:-?}) differ from records produced (${produced:-?})"
if [[ "$STORE" != memory && "${scanned:-}" != "$HANDOFF" ]]; then
  fail "the consumer read ${scanned:-?} records, expected $HANDOFF"
fi
echo "[demo] OK: records produced = records read"

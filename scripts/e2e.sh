#!/usr/bin/env bash
# End-to-end test on a real Flink cluster: starts the standalone session cluster
# (scripts/flink-cluster.sh), submits the examples' CountJob (shaded jar) reading a kinesalite
# stream, produces $E2E_RECORDS (50,000) order events, kills one TaskManager with kill -9 mid-run,
# restarts it, and checks that the job's checkpointed per-customer counts (upserted into
# PostgreSQL table e2e_counts) show every record exactly once: for each customer, the number of
# records and the sum of their order numbers equal what was written. Exits non-zero on failure.
#
#   scripts/e2e.sh                       # E2E_RECORDS=50000 E2E_SHARDS=4 E2E_RATE=4000 (records/s)
#   E2E_SKIP_BUILD=1 scripts/e2e.sh      # reuse the installed library and the built examples jar
#   FLINK_VERSION=2.3.0 scripts/e2e.sh   # the same on a Flink 2.x cluster (library and examples
#                                        # built with -Pflink2)
#
# Stops what it started (the cluster, kinesalite if it was not running); leaves PostgreSQL alone.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RECORDS="${E2E_RECORDS:-50000}"
SHARDS="${E2E_SHARDS:-4}"
RATE="${E2E_RATE:-4000}"
CUSTOMERS=20
KILL_AT=$((RECORDS * 3 / 10))            # kill a TaskManager once this many are counted
TIMEOUT="${E2E_TIMEOUT:-240}"             # seconds for the counts to be complete
KINESALITE="http://127.0.0.1:${KINESALITE_PORT:-4569}"
PG_PORT="${KC_PG_PORT:-5432}"
REST="http://127.0.0.1:${FLINK_REST_PORT:-8081}"
export FLINK_VERSION="${FLINK_VERSION:-1.20.3}"
if [[ "$FLINK_VERSION" == 1.* ]]; then LINE_PROFILE=(); LINE_TARGET=target; else LINE_PROFILE=(-Pflink2); LINE_TARGET=target/flink-2; fi
JAR="$ROOT/examples/$LINE_TARGET/kinesis-consumer-examples-0.1.0-SNAPSHOT.jar"
STREAM="e2e-$(date +%s)-$$"
APP="e2e-count"
LOGS="$ROOT/.local/e2e"
mkdir -p "$LOGS"

for tool in curl jq; do
  if ! command -v "$tool" >/dev/null; then
    echo "e2e: installing $tool" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq "$tool" >/dev/null
  fi
done

t0=$SECONDS
say() { printf '[e2e %3ds] %s\n' "$((SECONDS - t0))" "$*"; }
fail() { say "FAILED: $*"; exit 1; }
source "$ROOT/scripts/lib/e2e-checks.sh"

STARTED_KINESALITE=0
STARTED_CLUSTER=0
PRODUCER_PID=""
JOB=""
cleanup() {
  local rc=$?
  [[ -n "$PRODUCER_PID" ]] && kill "$PRODUCER_PID" 2>/dev/null || true
  [[ -n "$JOB" ]] && curl -s -m 10 -X PATCH "$REST/jobs/$JOB?mode=cancel" >/dev/null 2>&1 || true
  ((STARTED_CLUSTER)) && bash scripts/flink-cluster.sh stop >/dev/null 2>&1 || true
  ((STARTED_KINESALITE)) && bash scripts/services.sh stop kinesalite >/dev/null 2>&1 || true
  exit $rc
}
trap cleanup EXIT

# --- 1. services, build, cluster -----------------------------------------------------------------
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! port_open "${KINESALITE_PORT:-4569}"; then STARTED_KINESALITE=1; fi
bash scripts/services.sh start kinesalite postgres

if [[ -z "${E2E_SKIP_BUILD:-}" || ! -f "$JAR" ]]; then
  say "building the library and the examples jar"
  mvn -q -B -ntp "${LINE_PROFILE[@]}" install -DskipTests -Dspotless.check.skip=true
  mvn -q -B -ntp "${LINE_PROFILE[@]}" -f examples/pom.xml clean package -DskipTests # clean: else the shade plugin re-shades its own jar and keeps the old library classes
fi
[[ -f "$JAR" ]] || fail "no examples jar at $JAR"

if ! curl -sf -m 2 "$REST/overview" >/dev/null 2>&1; then
  STARTED_CLUSTER=1
  say "starting the Flink $FLINK_VERSION cluster (JobManager + 2 TaskManagers)"
  bash scripts/flink-cluster.sh start
else
  say "using the Flink cluster already answering on $REST"
fi

# --- 2. stream and job ---------------------------------------------------------------------------
examples/run.sh producer --stream "$STREAM" --endpoint "$KINESALITE" --cbor false \
  --create-stream "$SHARDS" --create-only
psql_q "DELETE FROM e2e_counts WHERE run = '$STREAM'" 2>/dev/null || true
JOB="$(bash scripts/flink-cluster.sh submit "$JAR" --class io.github.kinesisconsumer.examples.CountJob \
  --parallelism 2 -- --stream "$STREAM" --app "$APP" --endpoint "$KINESALITE" --cbor false \
  --store postgres --run "$STREAM" --checkpoint-interval 1s)"
say "job $JOB submitted; web UI $REST/#/job/running/$JOB/overview"

all_running() {
  curl -sf -m 5 "$REST/jobs/$JOB" | jq -e '.state == "RUNNING" and ([.vertices[].status] | all(. == "RUNNING"))' >/dev/null 2>&1
}
deadline=$((SECONDS + 60))
until all_running; do ((SECONDS < deadline)) || fail "job not running after 60 s"; sleep 0.5; done
say "all tasks running"

# where the tasks run: the TaskManager that hosts source subtask 0 is the one to kill
victim="$(source_taskmanager "$REST" "$JOB")" || fail "no TaskManager to kill"
source_vertex="$(curl -sf "$REST/jobs/$JOB" | jq -r '.vertices[0].id')"
say "source subtasks on: $(curl -sf "$REST/jobs/$JOB/vertices/$source_vertex" | jq -r '[.subtasks[]["taskmanager-id"]] | join(", ")')"

# --- 3. produce, kill a TaskManager mid-run, restart it ---------------------------------------
say "producing $RECORDS records at $RATE/s to $STREAM ($SHARDS shards, kinesalite)"
produce_start=$SECONDS
examples/run.sh producer --stream "$STREAM" --endpoint "$KINESALITE" --cbor false \
  --count "$RECORDS" --rate "$RATE" --customers "$CUSTOMERS" >"$LOGS/producer-$STREAM.log" 2>&1 &
PRODUCER_PID=$!

deadline=$((SECONDS + 120))
while true; do
  n="$(counted "$STREAM")"
  ((n >= KILL_AT)) && break
  ((SECONDS < deadline)) || fail "only $n records counted after 120 s"
  kill -0 "$PRODUCER_PID" 2>/dev/null || wait "$PRODUCER_PID" || fail "producer failed: $(tail -5 "$LOGS/producer-$STREAM.log")"
  sleep 0.2
done
written_at_kill="$(grep -o '[0-9,]* records written' "$LOGS/producer-$STREAM.log" | tail -1 | tr -d ', a-z' || true)"
say "counted $n records (producer at ${written_at_kill:-?}); kill -9 taskmanager-$victim"
bash scripts/flink-cluster.sh kill-taskmanager "$victim"
kill_time=$SECONDS
sleep 3
bash scripts/flink-cluster.sh start-taskmanager "$victim"
say "taskmanager-$victim restarted"

wait "$PRODUCER_PID" || fail "producer failed: $(tail -5 "$LOGS/producer-$STREAM.log")"
PRODUCER_PID=""
say "producer done: $(tail -1 "$LOGS/producer-$STREAM.log")"

# --- 4. wait for the counts, then check them exactly ----------------------------------------------
n="$(wait_counted "$STREAM" "$RECORDS" "$TIMEOUT")"
done_time=$SECONDS

failures="$(curl -sf "$REST/jobs/$JOB/exceptions" | jq -r '.exceptionHistory.entries | length' 2>/dev/null || echo "?")"
first_failure="$(curl -sf "$REST/jobs/$JOB/exceptions" | jq -r '.exceptionHistory.entries[-1].exceptionName // ""' 2>/dev/null || true)"
restored="$(curl -sf "$REST/jobs/$JOB/checkpoints" | jq -r '.latest.restored.id // "none"')"
completed="$(curl -sf "$REST/jobs/$JOB/checkpoints" | jq -r '.counts.completed // "?"')"
state="$(curl -sf "$REST/jobs/$JOB" | jq -r '.state')"

mismatches="$(count_mismatches "$STREAM" "$RECORDS" "$CUSTOMERS")"
customers="$(psql_q "SELECT count(*) FROM e2e_counts WHERE run = '$STREAM'")"

echo
echo "=== end-to-end result ==="
echo "records written:        $RECORDS ($SHARDS shards, kinesalite, $RATE/s)"
echo "records counted:        $n (per customer, in checkpointed Flink state; $customers customers)"
echo "TaskManager killed:     taskmanager-$victim (kill -9) after $KILL_AT counted; restarted 3 s later"
echo "job:                    $state; $failures failure(s) recorded ($first_failure); restored from checkpoint $restored; $completed checkpoints completed"
echo "producing -> all counted: $((done_time - produce_start)) s (kill to all counted: $((done_time - kill_time)) s)"
echo "whole run:              $((SECONDS - t0)) s"
if [[ -n "$mismatches" ]]; then
  echo "mismatches:"
  echo "$mismatches" | sed 's/^/  /'
  fail "counts are not exactly once"
fi
((n == RECORDS)) || fail "counted $n records, expected $RECORDS"
[[ "$restored" != "none" ]] || fail "the job was never restored from a checkpoint: did the kill hit it?"
say "PASSED: every record counted exactly once across a TaskManager failure"

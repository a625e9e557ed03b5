#!/usr/bin/env bash
# JobManager failover on a real cluster: starts the high-availability Flink cluster of
# scripts/flink-cluster.sh (FLINK_HA=zookeeper: ZooKeeper on 127.0.0.1:2191, file-system HA storage,
# two JobManagers), submits the examples' CountJob (parallelism 2, PostgreSQL store, checkpoints every
# second, --check-order) reading a stream, produces $HA_RECORDS events keyed by customer at $HA_RATE/s,
# and meanwhile:
#   1. splits a shard (the enumerator's state then holds a finished parent and lineage);
#   2. kills the leading JobManager with kill -9 and measures how long the standby takes to lead
#      and to run the job again (it must restore the job from its last completed checkpoint);
#   3. kills a TaskManager that hosts a source subtask with kill -9, and restarts it; then restarts
#      the killed JobManager as the new standby.
# It polls the checkpoint store's table every 0.5 s during the run. Then it checks: per customer, the
# counted records and the sum of their order numbers equal what was written (exactly once, so the
# split's parent was not read again after the failover and its children were read); no event of a
# customer was counted after a later one (the children waited for their parent across the failover);
# the job restored a checkpoint at least as new as the last one completed before the kill; no shard's
# stored position ever moved backwards; the parent is stored as finished and both children have
# positions. Prints one line per figure; exits non-zero on failure; stops what it started.
#
#   scripts/ha-failover.sh                                  # HA_RECORDS=12000 HA_RATE=200 HA_SHARDS=2
#   HA_SKIP_BUILD=1 HA_RECORDS=3000 HA_RATE=100 scripts/ha-failover.sh   # the short version (CI)
#   FLINK_VERSION=2.3.0 scripts/ha-failover.sh              # on Flink 2.x (built with -Pflink2)
#   HA_EFO=1 scripts/ha-failover.sh                         # enhanced fan-out against kinesis-local
#                                                           # (127.0.0.1:4567); also checks that the
#                                                           # stream consumer stays registered once
#   HA_SABOTAGE=storage scripts/ha-failover.sh              # empties the HA storage directory
#                                                           # after the kill: must fail
#   HA_NO_HA=1 scripts/ha-failover.sh                       # the same without HA: must fail (the
#                                                           # JobManager kill loses the job)
#   HA_BOUNDED=1 scripts/ha-failover.sh                     # bounded mode, see below
#
# HA_BOUNDED=1: the bounded stop time across the failover. Writes a backlog of $HA_BACKLOG (3000)
# events, then submits CountJob --bounded-at-job-start (the stop time is pinned when the job first
# starts and kept in the enumerator's state), paced by --max-records-per-second $HA_PACE (40) per
# subtask so that the backlog takes ~40 s to read. Once the job runs and a checkpoint completed, it
# splits shard 0 and writes $HA_LATER (1000) more events (numbered after the backlog), then kills the
# leading JobManager with kill -9 while the backlog is still being read. The split parent finishes
# only after the failover, so its children are discovered by the restored enumerator: they hold only
# later events, and a restored enumerator that pinned a new stop time would count them. After the
# failover it kills the TaskManager of source subtask 0 too (restarted 3 s later). Checks: the
# job reaches FINISHED; the counts and order-number sums per customer equal exactly the backlog's;
# 0 out of order; the restored checkpoint; no stored position moved backwards.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RECORDS="${HA_RECORDS:-12000}"
RATE="${HA_RATE:-200}"
SHARDS="${HA_SHARDS:-2}"
CUSTOMERS=20
TIMEOUT="${HA_TIMEOUT:-180}"             # seconds for the counts to be complete after the producer
BOUNDED="${HA_BOUNDED:-}"
BACKLOG="${HA_BACKLOG:-3000}"            # bounded mode: events before the job starts (counted)
LATER="${HA_LATER:-1000}"                # bounded mode: events after the first checkpoint (not counted)
PACE="${HA_PACE:-40}"                    # bounded mode: events per second and subtask
PG_PORT="${KC_PG_PORT:-5432}"
export FLINK_VERSION="${FLINK_VERSION:-1.20.3}"
if [[ -z "${HA_NO_HA:-}" ]]; then export FLINK_HA=zookeeper; else unset FLINK_HA; fi
[[ -n "$BOUNDED" && -n "${HA_NO_HA:-}${HA_EFO:-}${HA_SABOTAGE:-}" ]] && { echo "HA_BOUNDED runs with HA only, without EFO or sabotage" >&2; exit 2; }
if [[ "$FLINK_VERSION" == 1.* ]]; then LINE_PROFILE=(); LINE_TARGET=target; else LINE_PROFILE=(-Pflink2); LINE_TARGET=target/flink-2; fi
JAR="$ROOT/examples/$LINE_TARGET/kinesis-consumer-examples-0.1.0-SNAPSHOT.jar"
STREAM="ha-$(date +%s)-$$"
APP="ha-count"
STORE_TABLE=kinesis_checkpoints
if [[ -n "${HA_EFO:-}" ]]; then
  KINESIS="http://127.0.0.1:${KINESIS_LOCAL_PORT:-4567}"; CBOR=true; EFO_ARGS=(--efo "$APP-efo")
else
  KINESIS="http://127.0.0.1:${KINESALITE_PORT:-4569}"; CBOR=false; EFO_ARGS=()
fi
LOGS="$ROOT/.local/ha-failover"
mkdir -p "$LOGS"
CLUSTER=(bash scripts/flink-cluster.sh)

t0=$SECONDS
say() { printf '[ha %3ds] %s\n' "$((SECONDS - t0))" "$*"; }
fail() { say "FAILED: $*"; exit 1; }
source "$ROOT/scripts/lib/e2e-checks.sh"
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
secs() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); } # milliseconds -> seconds, one decimal

kinesis_api() { # action json: the emulator's JSON API (SplitShard, ListShards, ListStreamConsumers)
  local day now
  now="$(date -u +%Y%m%dT%H%M%SZ)"; day="${now%%T*}"
  curl -sS -m 20 -X POST "$KINESIS/" -H "X-Amz-Target: Kinesis_20131202.$1" \
    -H 'Content-Type: application/x-amz-json-1.1' -H "X-Amz-Date: $now" \
    -H "Authorization: AWS4-HMAC-SHA256 Credential=local/$day/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0" \
    -d "$2"
}

PRODUCER_PID=""
MONITOR_PID=""
JOB=""
REST=""
cleanup() {
  local rc=$?
  [[ -n "$PRODUCER_PID" ]] && kill "$PRODUCER_PID" 2>/dev/null || true
  [[ -n "$MONITOR_PID" ]] && kill "$MONITOR_PID" 2>/dev/null || true
  [[ -n "$JOB" && -n "$REST" ]] && curl -s -m 10 -X PATCH "$REST/jobs/$JOB?mode=cancel" >/dev/null 2>&1 || true
  "${CLUSTER[@]}" stop >/dev/null 2>&1 || true
  exit $rc
}
trap cleanup EXIT

# --- 1. services, build, cluster -----------------------------------------------------------------
for p in 8081 8082 6123 6124 2191; do port_open "$p" && fail "port $p is in use: another Flink cluster or ZooKeeper runs"; done
port_open "${KINESIS##*:}" || fail "no Kinesis emulator on $KINESIS (scripts/services.sh start)"
port_open "$PG_PORT" || fail "no PostgreSQL on 127.0.0.1:$PG_PORT (scripts/services.sh start postgres)"
if [[ -z "${HA_SKIP_BUILD:-}" || ! -f "$JAR" ]]; then
  say "building the library and the examples jar"
  mvn -q -B -ntp "${LINE_PROFILE[@]}" install -DskipTests -Dspotless.check.skip=true
  mvn -q -B -ntp "${LINE_PROFILE[@]}" -f examples/pom.xml clean package -DskipTests # clean: else the shade plugin re-shades its own jar and keeps the old library classes
fi
[[ -f "$JAR" ]] || fail "no examples jar at $JAR"
say "starting the Flink $FLINK_VERSION cluster (${FLINK_HA:-no HA}: $([[ -n "${FLINK_HA:-}" ]] && echo "ZooKeeper, 2 JobManagers" || echo "1 JobManager"), 2 TaskManagers)"
"${CLUSTER[@]}" start 2>"$LOGS/cluster-start.log" || { cat "$LOGS/cluster-start.log"; fail "the cluster did not start"; }
if [[ -n "${FLINK_HA:-}" ]]; then
  read -r leader rest_port < <("${CLUSTER[@]}" leader)
else
  leader=""; rest_port="${FLINK_REST_PORT:-8081}"
fi
REST="http://127.0.0.1:$rest_port"
say "leader: ${leader:+jobmanager-$leader, }REST $REST"

# --- 2. stream, job, store monitor ---------------------------------------------------------------
examples/run.sh producer --stream "$STREAM" --endpoint "$KINESIS" --cbor "$CBOR" \
  --create-stream "$SHARDS" --create-only >/dev/null
psql_q "CREATE TABLE IF NOT EXISTS ha_positions (run text, t timestamptz, shard_id text, sequence_number numeric, finished boolean)"
produced() { grep -o '[0-9,]* records written' "$LOGS/producer-$STREAM.log" 2>/dev/null | tail -1 | tr -d ', a-z' || true; }
BOUNDED_ARGS=()
if [[ -n "$BOUNDED" ]]; then
  say "bounded mode: writing a backlog of $BACKLOG records, keyed by customer ($CUSTOMERS customers)"
  examples/run.sh producer --stream "$STREAM" --endpoint "$KINESIS" --cbor "$CBOR" --count "$BACKLOG" \
    --rate 1000 --customers "$CUSTOMERS" --partition-key customer >"$LOGS/producer-$STREAM.log" 2>&1 \
    || fail "producer failed: $(tail -5 "$LOGS/producer-$STREAM.log")"
  say "$(tail -1 "$LOGS/producer-$STREAM.log")"
  BOUNDED_ARGS=(--bounded-at-job-start --max-records-per-second "$PACE")
fi
JOB="$("${CLUSTER[@]}" submit "$JAR" --class io.github.kinesisconsumer.examples.CountJob \
  --parallelism 2 -- --stream "$STREAM" --app "$APP" --endpoint "$KINESIS" --cbor "$CBOR" \
  --store postgres --table "$STORE_TABLE" --run "$STREAM" --checkpoint-interval 1s --check-order \
  "${EFO_ARGS[@]}" "${BOUNDED_ARGS[@]}")"
say "job $JOB submitted (stream $STREAM, $SHARDS shards${HA_EFO:+, enhanced fan-out}${BOUNDED:+, bounded at job start, at most $PACE/s per subtask})"

job_running() { # rest-url: the job and all its tasks run
  curl -sf -m 3 "$1/jobs/$JOB" | jq -e '.state == "RUNNING" and ([.vertices[].status] | all(. == "RUNNING"))' >/dev/null 2>&1
}
deadline=$((SECONDS + 90))
until job_running "$REST"; do ((SECONDS < deadline)) || fail "job not running after 90 s"; sleep 0.5; done
say "all tasks running"

efo_consumers() { # the job's stream consumers: "ARN STATUS", comma-separated
  kinesis_api ListStreamConsumers "{\"StreamARN\":\"$STREAM_ARN\"}" 2>/dev/null \
    | jq -r --arg n "$APP-efo" '[.Consumers[]? | select(.ConsumerName == $n) | "\(.ConsumerARN) \(.ConsumerStatus)"] | join(",")'
}
if [[ -n "${HA_EFO:-}" ]]; then
  STREAM_ARN="$(kinesis_api DescribeStreamSummary "{\"StreamName\":\"$STREAM\"}" | jq -r '.StreamDescriptionSummary.StreamARN')"
  deadline=$((SECONDS + 30))
  until [[ "$(efo_consumers)" == *" ACTIVE" ]]; do
    ((SECONDS < deadline)) || fail "no ACTIVE stream consumer $APP-efo 30 s after the job started"
    sleep 0.5
  done
  efo_first="$(efo_consumers)"
  say "stream consumer: $efo_first"
fi
(
  while true; do
    if [[ -n "${HA_EFO:-}" ]]; then efo_consumers >>"$LOGS/consumers-$STREAM.log"; fi
    psql_q "INSERT INTO ha_positions SELECT '$STREAM', now(), shard_id, sequence_number, coalesce(finished, false)
            FROM $STORE_TABLE WHERE namespace = '$APP-$STREAM'" 2>/dev/null || true
    sleep 0.5
  done
) &
MONITOR_PID=$!

# --- 3. produce; split a shard; kill the leading JobManager; kill a TaskManager -----------------
parent="shardId-000000000000"
split_parent() { # splits $parent in two; sets children
  range="$(kinesis_api ListShards "{\"StreamName\":\"$STREAM\"}" | jq -r --arg s "$parent" '.Shards[] | select(.ShardId == $s) | .HashKeyRange | "\(.StartingHashKey) \(.EndingHashKey)"')"
  read -r low high <<<"$range"
  mid="$(psql_q "SELECT div($low::numeric + $high::numeric + 1, 2)")"
  kinesis_api SplitShard "{\"StreamName\":\"$STREAM\",\"ShardToSplit\":\"$parent\",\"NewStartingHashKey\":\"$mid\"}" >/dev/null
  children=""
  deadline=$((SECONDS + 30))
  until [[ "$children" == *,* ]]; do
    ((SECONDS < deadline)) || fail "the split of $parent shows no two children after 30 s"
    sleep 0.5
    children="$(kinesis_api ListShards "{\"StreamName\":\"$STREAM\"}" | jq -r --arg s "$parent" '[.Shards[] | select(.ParentShardId == $s) | .ShardId] | join(",")')"
  done
  say "split $parent $(if [[ -n "$BOUNDED" ]]; then echo "after the first checkpoint"; else echo "at $(produced) written"; fi); children: $children"
}
take_over() { # after the leader's kill: waits for the standby to lead; sets leader_ms, REST, leader
  deadline=$((SECONDS + 60))
  until [[ "$("${CLUSTER[@]}" leader 2>/dev/null | cut -d' ' -f1)" == "$standby" ]]; do
    ((SECONDS < deadline)) || fail "jobmanager-$standby did not take the lead within 60 s"
    sleep 0.3
  done
  leader_ms=$(($(date +%s%3N) - kill_ms))
  REST="http://127.0.0.1:$("${CLUSTER[@]}" leader | cut -d' ' -f2)"
  say "jobmanager-$standby leads after $(secs $leader_ms) s; REST $REST"
  leader=$standby
}
running_again() { # after the kill: waits for the job to run; sets running_ms, restored_jm
  deadline=$((SECONDS + 90))
  until job_running "$REST"; do
    ((SECONDS < deadline)) || fail "job $JOB is not running again 90 s after the JobManager kill (state: $(curl -sf -m 3 "$REST/jobs/$JOB" | jq -r '.state' 2>/dev/null || echo unknown))"
    sleep 0.3
  done
  running_ms=$(($(date +%s%3N) - kill_ms))
  restored_jm="$(curl -sf -m 3 "$REST/jobs/$JOB/checkpoints" | jq -r '.latest.restored.id // "none"')"
  say "job running again $(secs $running_ms) s after the kill, restored from checkpoint $restored_jm"
}
shared_checks() { # expected-records message-if-counts-differ: the checks of both modes
  if [[ -n "$mismatches" ]]; then echo "$mismatches" | sed 's/^/  /'; fail "$2"; fi
  ((n == $1)) || fail "counted $n records, expected $1"
  ((out_of_order == 0)) || fail "$out_of_order events counted out of order"
  [[ "$restored_jm" =~ ^[0-9]+$ ]] && ((restored_jm >= last_completed)) || fail "after the JobManager kill the job did not restore checkpoint $last_completed or newer (restored: $restored_jm)"
  ((backwards == 0)) || fail "a stored position moved backwards $backwards times"
  ((snapshots > 0)) || fail "the store monitor saw no positions"
}
position_checks() { # sets snapshots, position_rows, backwards, stored
  snapshots="$(psql_q "SELECT count(DISTINCT t) FROM ha_positions WHERE run = '$STREAM'")"
  position_rows="$(psql_q "SELECT count(*) FROM ha_positions WHERE run = '$STREAM'")"
  backwards="$(psql_q "
    SELECT count(*) FROM (
      SELECT sequence_number, finished,
             lag(sequence_number) OVER w AS prev_seq, lag(finished) OVER w AS prev_finished
      FROM ha_positions WHERE run = '$STREAM' WINDOW w AS (PARTITION BY shard_id ORDER BY t)) s
    WHERE sequence_number < prev_seq OR (prev_finished AND NOT finished)")"
  stored="$(psql_q "SELECT string_agg(shard_id || CASE WHEN coalesce(finished, false) THEN ' finished' ELSE '' END, ', ' ORDER BY shard_id)
                    FROM $STORE_TABLE WHERE namespace = '$APP-$STREAM'")"
}
kill_taskmanager_and_wait() { # kill -9 of the TaskManager of source subtask 0, restarted 3 s later;
  # waits until the job restored a newer checkpoint and runs; sets victim, tm_running_ms, restored_tm
  victim="$(source_taskmanager "$REST" "$JOB")" || fail "no TaskManager to kill"
  say "kill -9 taskmanager-$victim (source subtask 0) at $(counted "$STREAM") counted$([[ -n "$BOUNDED" ]] || echo ", $(produced) written")"
  "${CLUSTER[@]}" kill-taskmanager "$victim"
  tm_kill_ms=$(date +%s%3N)
  sleep 3
  "${CLUSTER[@]}" start-taskmanager "$victim" 2>>"$LOGS/cluster-start.log"
  local deadline=$((SECONDS + 90))
  until restored_tm="$(curl -sf -m 3 "$REST/jobs/$JOB/checkpoints" | jq -r '.latest.restored.id // "none"')" \
      && [[ "$restored_tm" != "$restored_jm" ]] && job_running "$REST"; do
    ((SECONDS < deadline)) || fail "job $JOB did not restart after the TaskManager kill within 90 s"
    sleep 0.3
  done
  tm_running_ms=$(($(date +%s%3N) - tm_kill_ms))
  say "job running again $(secs $tm_running_ms) s after the TaskManager kill, restored from checkpoint $restored_tm"
}
wait_produced() { # n: until the producer wrote n records
  local p
  while p="$(produced)"; ((${p:-0} < $1)); do
    kill -0 "$PRODUCER_PID" 2>/dev/null || break
    sleep 0.2
  done
}
if [[ -n "$BOUNDED" ]]; then # --- 3b. bounded: later records, kill the leader mid-read, FINISHED
  until [[ "$(curl -sf -m 3 "$REST/jobs/$JOB/checkpoints" | jq -r '.counts.completed // 0')" -ge 1 ]]; do sleep 0.3; done
  say "first checkpoint completed (the pinned stop time is in it); $(counted "$STREAM") counted"
  split_parent
  produce_start=$SECONDS
  examples/run.sh producer --stream "$STREAM" --endpoint "$KINESIS" --cbor "$CBOR" --count "$LATER" \
    --first-id "$BACKLOG" --rate 500 --customers "$CUSTOMERS" --partition-key customer \
    >"$LOGS/producer-later-$STREAM.log" 2>&1 || fail "producer failed: $(tail -5 "$LOGS/producer-later-$STREAM.log")"
  say "$(tail -1 "$LOGS/producer-later-$STREAM.log") (after the stop time: must not be counted)"
  last_completed="$(curl -sf -m 3 "$REST/jobs/$JOB/checkpoints" | jq -r '.latest.completed.id // 0')"
  counted_at_kill="$(counted "$STREAM")"
  standby=$((3 - leader))
  say "kill -9 jobmanager-$leader (leader) at $counted_at_kill of $BACKLOG counted; last completed checkpoint $last_completed"
  "${CLUSTER[@]}" kill-jobmanager "$leader"
  kill_time=$SECONDS
  kill_ms=$(date +%s%3N)
  take_over
  running_again
  "${CLUSTER[@]}" start-jobmanager $((3 - leader)) 2>>"$LOGS/cluster-start.log"
  say "jobmanager-$((3 - leader)) restarted as the new standby"
  kill_taskmanager_and_wait
  deadline=$((SECONDS + TIMEOUT))
  last=-1
  until state="$(curl -sf -m 3 "$REST/jobs/$JOB" | jq -r '.state' 2>/dev/null)" && [[ "$state" =~ ^(FINISHED|FAILED|CANCELED)$ ]]; do
    n="$(counted "$STREAM")"
    if ((n != last)); then say "counted $n (job ${state:-?})"; last=$n; fi
    ((SECONDS < deadline)) || break
    sleep 1
  done
  done_time=$SECONDS
  sleep 2 # one more store poll
  kill "$MONITOR_PID" 2>/dev/null || true
  MONITOR_PID=""
  n="$(counted "$STREAM")"
  checkpoints="$(curl -sf -m 3 "$REST/jobs/$JOB/checkpoints" || echo '{}')"
  completed="$(jq -r '.counts.completed // "?"' <<<"$checkpoints")"
  mismatches="$(count_mismatches "$STREAM" "$BACKLOG" "$CUSTOMERS")"
  later_counted="$(psql_q "SELECT coalesce(sum(records), 0) - $BACKLOG FROM e2e_counts WHERE run = '$STREAM'")"
  out_of_order="$(psql_q "SELECT coalesce(sum(out_of_order), 0) FROM e2e_counts WHERE run = '$STREAM'")"
  position_checks
  echo
  echo "=== JobManager failover result, bounded at job start (Flink $FLINK_VERSION, ZooKeeper HA) ==="
  echo "records written:           $BACKLOG before the job started, $LATER after its first checkpoint ($SHARDS shards; $parent split after the first checkpoint, children $children)"
  echo "records counted:           $n ($(psql_q "SELECT count(*) FROM e2e_counts WHERE run = '$STREAM'") customers; $later_counted more than the backlog); exactly the backlog per customer: $([[ -z "$mismatches" && "$n" == "$BACKLOG" ]] && echo yes || echo NO)"
  echo "job state:                 $state ($completed checkpoints completed; reading paced at $PACE/s per subtask)"
  echo "out of order:              $out_of_order"
  echo "JobManager failover:       kill -9 of the leader at $counted_at_kill counted; jobmanager-$standby led after $(secs $leader_ms) s, job running after $(secs $running_ms) s"
  echo "restored after JM kill:    checkpoint $restored_jm (last completed before the kill: $last_completed)"
  echo "TaskManager kill:          taskmanager-$victim (kill -9 after the failover, restarted 3 s later); job running after $(secs $tm_running_ms) s, restored from checkpoint $restored_tm"
  echo "store positions:           $snapshots polls ($position_rows shard positions); moved backwards: $backwards; stored: $stored"
  echo "later records -> FINISHED: $((done_time - produce_start)) s (JM kill to FINISHED: $((done_time - kill_time)) s); whole run: $((SECONDS - t0)) s"
  echo
  [[ "$state" == FINISHED ]] || fail "job $JOB is $state, not FINISHED, $TIMEOUT s after the kill"
  shared_checks "$BACKLOG" "counts are not exactly the backlog's ($later_counted later records counted)"
  say "PASSED: the bounded job kept its stop time across the JobManager failover: FINISHED with exactly the backlog counted"
  exit 0
fi

say "producing $RECORDS records at $RATE/s, keyed by customer ($CUSTOMERS customers)"
produce_start=$SECONDS
examples/run.sh producer --stream "$STREAM" --endpoint "$KINESIS" --cbor "$CBOR" --count "$RECORDS" \
  --rate "$RATE" --customers "$CUSTOMERS" --partition-key customer >"$LOGS/producer-$STREAM.log" 2>&1 &
PRODUCER_PID=$!

wait_produced $((RECORDS * 3 / 20))
split_parent

wait_produced $((RECORDS * 3 / 10))
until [[ "$(curl -sf -m 3 "$REST/jobs/$JOB/checkpoints" | jq -r '.counts.completed // 0')" -ge 3 ]]; do sleep 0.5; done
deadline=$((SECONDS + 30)) # kill once the parent's end is checkpointed (the store mirrors it)
until [[ "$(psql_q "SELECT coalesce(bool_and(finished), false) FROM $STORE_TABLE WHERE namespace = '$APP-$STREAM' AND shard_id = '$parent'")" == t ]]; do
  ((SECONDS < deadline)) || fail "the split parent $parent was not stored as finished within 30 s"
  sleep 0.3
done
last_completed="$(curl -sf -m 3 "$REST/jobs/$JOB/checkpoints" | jq -r '.latest.completed.id // 0')"
if [[ -n "${FLINK_HA:-}" ]]; then
  standby=$((3 - leader))
  say "kill -9 jobmanager-$leader (leader) at $(produced) written, $(counted "$STREAM") counted; last completed checkpoint $last_completed"
  "${CLUSTER[@]}" kill-jobmanager "$leader"
  if [[ "${HA_SABOTAGE:-}" == storage ]]; then # test of the test: the standby finds no job to recover
    rm -rf "$(dirname "$("${CLUSTER[@]}" lib)")/ha"/*
    say "sabotage: emptied the HA storage directory"
  fi
else
  say "kill -9 jobmanager (no HA) at $(produced) written; last completed checkpoint $last_completed"
  kill -9 "$(cat "$ROOT/.local/$([[ "$FLINK_VERSION" == 1.20.3 ]] && echo flink || echo "flink-$FLINK_VERSION")/run/jobmanager.pid")"
  sleep 5
  "${CLUSTER[@]}" stop >/dev/null 2>&1 || true
  "${CLUSTER[@]}" start 2>>"$LOGS/cluster-start.log"
  standby=""
fi
kill_time=$SECONDS
kill_ms=$(date +%s%3N)
[[ -n "$standby" ]] && take_over
running_again
wait_produced $((RECORDS * 7 / 10))
kill_taskmanager_and_wait
if [[ -n "${FLINK_HA:-}" ]]; then
  "${CLUSTER[@]}" start-jobmanager $((3 - leader)) 2>>"$LOGS/cluster-start.log"
  say "jobmanager-$((3 - leader)) restarted as the new standby"
fi

wait "$PRODUCER_PID" || fail "producer failed: $(tail -5 "$LOGS/producer-$STREAM.log")"
PRODUCER_PID=""
say "$(tail -1 "$LOGS/producer-$STREAM.log")"

# --- 4. wait for the counts, then check ---------------------------------------------------------
n="$(wait_counted "$STREAM" "$RECORDS" "$TIMEOUT")"
done_time=$SECONDS
sleep 2 # one more store mirror after the last checkpoint
kill "$MONITOR_PID" 2>/dev/null || true
MONITOR_PID=""

checkpoints="$(curl -sf -m 3 "$REST/jobs/$JOB/checkpoints" || echo '{}')"
restored_last="$(jq -r '.latest.restored.id // "none"' <<<"$checkpoints")"
completed="$(jq -r '.counts.completed // "?"' <<<"$checkpoints")"
state="$(curl -sf -m 3 "$REST/jobs/$JOB" | jq -r '.state' 2>/dev/null || echo unknown)"
mismatches="$(count_mismatches "$STREAM" "$RECORDS" "$CUSTOMERS")"
out_of_order="$(psql_q "SELECT coalesce(sum(out_of_order), 0) FROM e2e_counts WHERE run = '$STREAM'")"
position_checks
parent_finished="$(psql_q "SELECT coalesce(bool_and(finished), false) FROM $STORE_TABLE WHERE namespace = '$APP-$STREAM' AND shard_id = '$parent'")"
children_stored="$(psql_q "SELECT count(*) FROM $STORE_TABLE WHERE namespace = '$APP-$STREAM' AND shard_id IN ('$(sed "s/,/','/g" <<<"$children")')")"
retried="$(sed -n 's/.*; \([0-9]*\) retried).*/\1/p' "$LOGS/producer-$STREAM.log" | tail -1)"
consumers=""
if [[ -n "${HA_EFO:-}" ]]; then
  consumers="$(efo_consumers)"
  efo_polls="$(grep -c '' "$LOGS/consumers-$STREAM.log" || true)"
  efo_other="$(grep -cvxF "$efo_first" "$LOGS/consumers-$STREAM.log" || true)"
fi

echo
echo "=== JobManager failover result (Flink $FLINK_VERSION${FLINK_HA:+, ZooKeeper HA}${HA_EFO:+, enhanced fan-out}) ==="
echo "records written:           $RECORDS ($SHARDS shards + split of $parent, $RATE/s, keyed by customer; ${retried:-?} retried puts)"
echo "records counted:           $n ($(psql_q "SELECT count(*) FROM e2e_counts WHERE run = '$STREAM'") customers); exact per customer: $([[ -z "$mismatches" && "$n" == "$RECORDS" ]] && echo yes || echo NO)"
echo "out of order:              $out_of_order (events counted after a later one of their customer)"
if [[ -n "$standby" ]]; then
  echo "JobManager failover:       kill -9 of the leader; jobmanager-$standby led after $(secs $leader_ms) s, job running after $(secs $running_ms) s"
else
  echo "JobManager kill (no HA):   job after restart: $state"
fi
echo "restored after JM kill:    checkpoint $restored_jm (last completed before the kill: $last_completed)"
echo "TaskManager kill:          taskmanager-$victim (kill -9, restarted 3 s later); job running after $(secs $tm_running_ms) s, restored from checkpoint $restored_tm; $completed checkpoints completed, last restore $restored_last"
echo "enumerator state:          split parent finished (checkpointed) before the JM kill; at the end: $parent_finished; children stored: $children_stored of 2; exact counts and order => the parent was not read again and the children after it"
echo "store positions:           $snapshots polls ($position_rows shard positions); moved backwards: $backwards; stored: $stored"
[[ -n "$consumers" ]] && echo "EFO stream consumer:       $consumers; the same as at the start: $([[ "$consumers" == "$efo_first" ]] && echo yes || echo NO); $efo_polls polls, $efo_other showed anything else"
echo "producing -> all counted:  $((done_time - produce_start)) s (JM kill to all counted: $((done_time - kill_time)) s); whole run: $((SECONDS - t0)) s"
echo

shared_checks "$RECORDS" "counts are not exactly once"
[[ "$parent_finished" == t ]] || fail "the split parent $parent is not stored as finished"
((children_stored == 2)) || fail "only $children_stored of the 2 children have stored positions"
if [[ -n "$consumers" ]]; then
  [[ "$consumers" == "$efo_first" && "$consumers" == *" ACTIVE" && "$consumers" != *,* ]] \
    || fail "the stream consumer changed: at the start '$efo_first', at the end '$consumers'"
  ((efo_other == 0)) || fail "$efo_other polls showed the stream consumer missing, doubled or not ACTIVE: $(sort -u "$LOGS/consumers-$STREAM.log" | tr '\n' ';')"
fi
say "PASSED: the job survived the JobManager and TaskManager kills with exact counts, in order, positions never backwards"

#!/usr/bin/env bash
# A standalone Flink session cluster (1.20 by default, or $FLINK_VERSION, e.g. 2.3.0) on this machine, from Flink's module jars on Maven
# Central (flink-dist is not needed): one JobManager and two TaskManager processes, on 127.0.0.1.
#
#   scripts/flink-cluster.sh start                 download the jars (once), start JM + 2 TMs
#   scripts/flink-cluster.sh submit <jar> [--class <main class>] [--parallelism N] [-- job args...]
#                                                  upload the jar and run it (REST API); prints the job id
#   scripts/flink-cluster.sh status                processes, TaskManagers, jobs
#   scripts/flink-cluster.sh lib                   download the jars (once) and print their folder
#   scripts/flink-cluster.sh stop                  stop the processes this script started
#   scripts/flink-cluster.sh start-taskmanager N   (re)start TaskManager N
#   scripts/flink-cluster.sh kill-taskmanager N    kill -9 TaskManager N (failure tests)
#   FLINK_HA=zookeeper scripts/flink-cluster.sh start|stop|status|submit ...
#                                                  high availability: also a ZooKeeper server on
#                                                  127.0.0.1:2191 and two JobManagers (REST 8081, 8082)
#   FLINK_HA=zookeeper scripts/flink-cluster.sh leader | kill-jobmanager N | start-jobmanager N
#                                                  which JobManager leads; kill -9 or (re)start one
#
# Configuration: scripts/flink/conf (config.yaml, log4j.properties). Jars: .local/flink/lib (from
# scripts/flink/pom.xml). Pid, log and .out files: .local/flink/run. Checkpoints and savepoints:
# .local/flink/checkpoints, .local/flink/savepoints. Web UI and REST API: http://127.0.0.1:8081
# ($FLINK_REST_PORT). The number of TaskManagers: $FLINK_TASKMANAGERS (2). Another Flink version
# ($FLINK_VERSION other than 1.20.3) lives in .local/flink-$FLINK_VERSION; run one cluster at a time.
# High availability (scripts/lib/flink-ha.sh): ZooKeeper from .local/zookeeper/lib, its data in
# <run>/zookeeper, Flink's HA storage in <flink home>/ha.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONF="$ROOT/scripts/flink/conf"
FLINK_VERSION="${FLINK_VERSION:-1.20.3}"
if [[ "$FLINK_VERSION" == 1.20.3 ]]; then FLINK_HOME="$ROOT/.local/flink"; else FLINK_HOME="$ROOT/.local/flink-$FLINK_VERSION"; fi
LIB="$FLINK_HOME/lib"
RUN="$FLINK_HOME/run"
REST_PORT="${FLINK_REST_PORT:-8081}"
REST="http://127.0.0.1:$REST_PORT"
TASKMANAGERS="${FLINK_TASKMANAGERS:-2}"
START_TIMEOUT="${FLINK_START_TIMEOUT:-60}"
JAVA_OPENS=(--add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED)
HA="${FLINK_HA:-}"

log() { printf '%s\n' "flink-cluster.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v java >/dev/null || die "a JDK 11+ is required (java not found)"
command -v curl >/dev/null || die "curl is required"
case "$HA" in
  "") ;;
  zookeeper) source "$ROOT/scripts/lib/flink-ha.sh" ;;
  *) die "FLINK_HA must be zookeeper or unset, not '$HA'" ;;
esac

# --- processes -------------------------------------------------------------------------------

marker() { echo "KC_FLINK=$1@$FLINK_HOME"; }
pid_file() { echo "$RUN/$1.pid"; }

alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}

our_pid() { # name -> pid if the pid file names a live process that this script started
  local f pid
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/environ" ]] || return 1
  tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "$(marker "$1")" || return 1
  alive "$pid" || return 1
  echo "$pid"
}

spawn() { # name java-args... : detached java process, stdout to <name>.out, log to <name>.log
  local name="$1"; shift
  local pidf="$RUN/$name.pid"
  mkdir -p "$RUN"
  rm -f "$pidf"
  (
    export "$(marker "$name")"
    # shellcheck disable=SC2016  # $$, $0 and $@ belong to the inner shell
    exec setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" java \
      "${JAVA_OPENS[@]}" -Djava.net.preferIPv4Stack=true \
      -Dlog.file="$RUN/$name.log" -Dlog4j.configurationFile="file:$CONF/log4j.properties" \
      -cp "${SPAWN_CP:-$LIB/*}" "$@" </dev/null >>"$RUN/$name.out" 2>&1
  ) &
  for _ in $(seq 1 100); do [[ -s "$pidf" ]] && break; sleep 0.05; done
  [[ -s "$pidf" ]] || die "$name did not record its pid"
}

stop_process() { # name
  local pid
  pid="$(our_pid "$1")" || { rm -f "$(pid_file "$1")"; return 0; }
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then log "$1 (pid $pid) did not stop in 10 s; killing it"; kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$(pid_file "$1")"
  log "stopped $1 (pid $pid)"
}

# --- jars and resources ----------------------------------------------------------------------

ensure_lib() {
  if [[ ! -f "$LIB/.complete-2" ]]; then
    log "downloading the Flink $FLINK_VERSION module jars into $LIB (Maven)"
    rm -rf "$LIB"
    mvn -q -B -ntp -f "$ROOT/scripts/flink/pom.xml" dependency:copy-dependencies \
      -Dflink.version="$FLINK_VERSION" -DoutputDirectory="$LIB" >&2
    touch "$LIB/.complete-2"
  fi
}

dynamic_props() { # the -D options every process gets
  mkdir -p "$FLINK_HOME/checkpoints" "$FLINK_HOME/savepoints" "$FLINK_HOME/tmp" "$FLINK_HOME/upload"
  printf '%s\n' \
    -D "state.checkpoints.dir=file://$FLINK_HOME/checkpoints" \
    -D "state.savepoints.dir=file://$FLINK_HOME/savepoints" \
    -D "io.tmp.dirs=$FLINK_HOME/tmp" \
    -D "web.upload.dir=$FLINK_HOME/upload" \
    -D "rest.port=$REST_PORT"
  if [[ -n "$HA" ]]; then ha_props; fi
}

resource_params() { # GET_TM_RESOURCE_PARAMS|GET_JM_RESOURCE_PARAMS -> two lines: JVM args, dynamic config
  local out
  mapfile -t props < <(dynamic_props)
  out="$(java -cp "$LIB/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" \
    --configDir "$CONF" "${props[@]}" 2>&1)" || { echo "$out" >&2; die "BashJavaUtils $1 failed"; }
  echo "$out" | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | tail -n 2 | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

rest_up() { curl -sf -m 2 "$REST/overview" >/dev/null 2>&1; }

registered_tms() { curl -sf -m 2 "$REST/overview" 2>/dev/null | sed -n 's/.*"taskmanagers":\([0-9]*\).*/\1/p'; }

# --- commands --------------------------------------------------------------------------------

start_jobmanager() { # [n]: jobmanager, or jobmanager-n of the HA cluster
  local name=jobmanager rest="$REST" extra=()
  if [[ -n "${1:-}" ]]; then
    name="jobmanager-$1"; rest="http://127.0.0.1:$(jm_rest_port "$1")"
    mapfile -t extra < <(jm_props "$1")
  fi
  if our_pid "$name" >/dev/null; then log "$name already running"; return; fi
  if REST="$rest" rest_up; then die "something already answers on $rest; set FLINK_REST_PORT"; fi
  local params jvm dyn
  mapfile -t params < <(resource_params GET_JM_RESOURCE_PARAMS)
  read -r -a jvm <<<"${params[0]}"
  read -r -a dyn <<<"${params[1]:-}"
  mapfile -t props < <(dynamic_props)
  # Flink 2.x has no --executionMode: its parser stops at the unknown option and drops every -D after it
  local mode=(--executionMode cluster)
  [[ "$FLINK_VERSION" == 1.* ]] || mode=()
  spawn "$name" "${jvm[@]}" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    --configDir "$CONF" "${mode[@]}" "${props[@]}" "${extra[@]}" "${dyn[@]}"
  local deadline=$((SECONDS + START_TIMEOUT))
  until REST="$rest" rest_up; do
    our_pid "$name" >/dev/null || { tail -n 30 "$RUN/$name.log" "$RUN/$name.out" >&2 || true; die "the $name exited"; }
    ((SECONDS < deadline)) || die "the $name did not answer on $rest within ${START_TIMEOUT}s (see $RUN/$name.log)"
    sleep 0.3
  done
  log "$name up (pid $(our_pid "$name")); web UI and REST API at $rest"
}

start_taskmanager() { # n
  local name="taskmanager-$1"
  if our_pid "$name" >/dev/null; then log "$name already running"; return; fi
  local params jvm dyn
  mapfile -t params < <(resource_params GET_TM_RESOURCE_PARAMS)
  read -r -a jvm <<<"${params[0]}"
  read -r -a dyn <<<"${params[1]:-}"
  mapfile -t props < <(dynamic_props)
  spawn "$name" "${jvm[@]}" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "$CONF" "${props[@]}" -D "taskmanager.resource-id=tm-$1" "${dyn[@]}"
  log "$name started (pid $(our_pid "$name")); output in $RUN/$name.out, log in $RUN/$name.log"
}

wait_for_tms() { # count
  local deadline=$((SECONDS + START_TIMEOUT)) n
  while true; do
    n="$(registered_tms)"
    [[ "${n:-0}" -ge "$1" ]] && break
    ((SECONDS < deadline)) || die "only ${n:-0} of $1 TaskManagers registered within ${START_TIMEOUT}s (see $RUN/*.log)"
    sleep 0.3
  done
  log "$n TaskManagers registered"
}

cmd_start() {
  ensure_lib
  if [[ -n "$HA" ]]; then
    start_zookeeper
    for i in $(seq 1 "$JOBMANAGERS"); do start_jobmanager "$i"; done
  else
    start_jobmanager
  fi
  for i in $(seq 1 "$TASKMANAGERS"); do start_taskmanager "$i"; done
  wait_for_tms "$TASKMANAGERS"
}

cmd_stop() {
  local f name
  for f in "$RUN"/taskmanager-*.pid; do
    [[ -e "$f" ]] || continue
    name="$(basename "$f" .pid)"
    stop_process "$name"
  done
  stop_process jobmanager
  for f in "$RUN"/jobmanager-*.pid; do
    [[ -e "$f" ]] && stop_process "$(basename "$f" .pid)"
  done
  stop_process zookeeper
}

cmd_status() {
  local f name pid
  for f in "$RUN"/zookeeper.pid "$RUN"/jobmanager.pid "$RUN"/jobmanager-*.pid "$RUN"/taskmanager-*.pid; do
    [[ -e "$f" ]] || continue
    name="$(basename "$f" .pid)"
    if pid="$(our_pid "$name")"; then echo "$name  up (pid $pid)"; else echo "$name  down"; fi
  done
  if [[ -n "$HA" ]]; then echo "leader: $(ha_leader 2>/dev/null && true || echo none)"; fi
  if rest_up; then
    echo "REST $REST: $(curl -sf -m 2 "$REST/overview")"
    curl -sf -m 2 "$REST/jobs/overview" | jq -r '.jobs[] | "job \(.jid)  \(.state)  \(.name)"' 2>/dev/null || true
  else
    echo "REST $REST: not answering"
  fi
}

cmd_submit() {
  local jar="${1:-}" class="" parallelism="" args=() id response jobid
  [[ -n "$jar" && -f "$jar" ]] || die "usage: submit <jar> [--class <main class>] [--parallelism N] [-- job args...]"
  shift
  while (($#)); do
    case "$1" in
      --class) class="$2"; shift 2 ;;
      --parallelism) parallelism="$2"; shift 2 ;;
      --) shift; args=("$@"); break ;;
      *) args=("$@"); break ;;
    esac
  done
  command -v jq >/dev/null || die "jq is required for submit"
  rest_up || die "no cluster answers on $REST (scripts/flink-cluster.sh start)"
  response="$(curl -sS -m 120 -X POST -H "Expect:" -F "jarfile=@$jar" "$REST/jars/upload")"
  id="$(jq -r '.filename // empty' <<<"$response")"
  [[ -n "$id" ]] || die "upload failed: $response"
  id="$(basename "$id")"
  local body
  body="$(jq -n --arg c "$class" --arg p "$parallelism" '$ARGS.positional as $a
    | {programArgsList: $a} + (if $c != "" then {entryClass: $c} else {} end)
      + (if $p != "" then {parallelism: ($p | tonumber)} else {} end)' --args -- "${args[@]}")"
  response="$(curl -sS -m 300 -X POST -H 'Content-Type: application/json' -d "$body" "$REST/jars/$id/run")"
  jobid="$(jq -r '.jobid // empty' <<<"$response")"
  [[ -n "$jobid" ]] || die "run failed: $response"
  log "submitted $(basename "$jar") as job $jobid; see $REST/#/job/running/$jobid/overview"
  echo "$jobid"
}

if [[ -n "$HA" && "${1:-}" =~ ^(status|submit)$ ]] && n="$(ha_leader)"; then
  REST="http://127.0.0.1:$(jm_rest_port "$n")" # the leader's REST API
fi

case "${1:-}" in
  start) cmd_start ;;
  lib) ensure_lib; echo "$LIB" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  submit) shift; cmd_submit "$@" ;;
  start-taskmanager) [[ "${2:-}" =~ ^[0-9]+$ ]] || die "usage: start-taskmanager N"; ensure_lib; start_taskmanager "$2" ;;
  kill-taskmanager)
    [[ "${2:-}" =~ ^[0-9]+$ ]] || die "usage: kill-taskmanager N"
    pid="$(our_pid "taskmanager-$2")" || die "taskmanager-$2 is not running"
    kill -9 "$pid"
    log "killed taskmanager-$2 (pid $pid) with SIGKILL" ;;
  leader)
    [[ -n "$HA" ]] || die "leader needs FLINK_HA=zookeeper"
    n="$(ha_leader)" || die "no JobManager leads (ZooKeeper on 127.0.0.1:$ZK_PORT)"
    echo "$n $(jm_rest_port "$n")" ;;
  start-jobmanager)
    [[ -n "$HA" && "${2:-}" =~ ^[0-9]+$ ]] || die "usage: FLINK_HA=zookeeper start-jobmanager N"
    ensure_lib; start_jobmanager "$2" ;;
  kill-jobmanager)
    [[ -n "$HA" && "${2:-}" =~ ^[0-9]+$ ]] || die "usage: FLINK_HA=zookeeper kill-jobmanager N"
    pid="$(our_pid "jobmanager-$2")" || die "jobmanager-$2 is not running"
    kill -9 "$pid"
    log "killed jobmanager-$2 (pid $pid) with SIGKILL" ;;
  *) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

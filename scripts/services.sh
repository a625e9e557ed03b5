#!/usr/bin/env bash
# Starts, stops and reports the local services the tests use, on loopback only.
#
#   scripts/services.sh start  [service...]   start (or install and start) what is not up yet
#   scripts/services.sh stop   [service...]   stop what this script started (pid files in .local/run)
#   scripts/services.sh status [service...]   one line per service: name, endpoint, up/down
#   scripts/services.sh env    [service...]   export lines for the endpoints (eval "$(... env)")
#   scripts/services.sh install               install the emulators' npm packages into .local/npm and download DynamoDB Local
#                                             (tests that run an emulator of their own need them
#                                             even when the shared ones already answer)
#
# Services (no service argument = all of them):
#   kinesis-local  kinesis-mock emulator (npm kinesis-local, pinned in scripts/npm)  port $KINESIS_LOCAL_PORT (4567)
#   kinesalite     kinesalite emulator   (npm kinesalite, pinned in scripts/npm)     port $KINESALITE_PORT (4569)
#   dynamodb       DynamoDB Local (Maven Central, scripts/dynamodb-local/pom.xml)    port $DYNAMODB_PORT (8000)
#   postgres       PostgreSQL, trust auth, database "test"                           port $KC_PG_PORT (5432)
#   mysql          MariaDB, root with empty password, database "test"                port $KC_MYSQL_PORT (3306)
#   redis          Redis                                                             port $KC_REDIS_PORT (6379)
#
# The first three are downloaded into .local/ and run as detached processes with a pid file and a
# log under .local/run/ (<service>-<port>.pid/.log); `stop` ends only those, for the ports in
# effect. PostgreSQL, MariaDB and Redis are system services: `start` checks them, starts them
# (or installs them with apt-get) only when they use the default port, makes sure database "test"
# exists, and `stop` leaves them alone.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPTS="$ROOT/scripts"
LOCAL="$ROOT/.local"
RUN="$LOCAL/run"
NPM_DIR="$LOCAL/npm"
DDB_DIR="$LOCAL/dynamodb"

HOST=127.0.0.1
KINESIS_LOCAL_PORT="${KINESIS_LOCAL_PORT:-4567}"
KINESIS_LOCAL_TLS_PORT="${KINESIS_LOCAL_TLS_PORT:-4568}"
KINESALITE_PORT="${KINESALITE_PORT:-4569}"
DYNAMODB_PORT="${DYNAMODB_PORT:-8000}"
KC_PG_PORT="${KC_PG_PORT:-5432}"
KC_MYSQL_PORT="${KC_MYSQL_PORT:-3306}"
KC_REDIS_PORT="${KC_REDIS_PORT:-6379}"
START_TIMEOUT="${KC_SERVICES_START_TIMEOUT:-90}"   # seconds to wait for a port to answer
DYNAMODB_JAVA_OPTS="${DYNAMODB_JAVA_OPTS:--Xms64m -Xmx512m}"

KINESIS_LOCAL_VERSION=0.6.2
KINESALITE_VERSION=3.3.3
DYNAMODB_LOCAL_VERSION=2.6.1

ALL_SERVICES=(kinesis-local kinesalite dynamodb postgres mysql redis)

# System locations (variables so that a dry run can point them elsewhere).
PG_CONF_ROOT=/etc/postgresql
MARIADBD=/usr/sbin/mariadbd
MARIADB_CONF_DIR=/etc/mysql/mariadb.conf.d
REDIS_SERVER=redis-server

log() { printf '%s\n' "services.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- helpers ---------------------------------------------------------------------------------

port_open() { # port -> 0 if something accepts TCP connections on 127.0.0.1:port
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

port_of() {
  case "$1" in
    kinesis-local) echo "$KINESIS_LOCAL_PORT" ;;
    kinesalite) echo "$KINESALITE_PORT" ;;
    dynamodb) echo "$DYNAMODB_PORT" ;;
    postgres) echo "$KC_PG_PORT" ;;
    mysql) echo "$KC_MYSQL_PORT" ;;
    redis) echo "$KC_REDIS_PORT" ;;
  esac
}

endpoint_of() {
  case "$1" in
    kinesis-local|kinesalite|dynamodb) echo "http://$HOST:$(port_of "$1")" ;;
    postgres) echo "jdbc:postgresql://$HOST:$KC_PG_PORT/test" ;;
    mysql) echo "jdbc:mysql://$HOST:$KC_MYSQL_PORT/test" ;;
    redis) echo "redis://$HOST:$KC_REDIS_PORT" ;;
  esac
}

is_managed() { case "$1" in kinesis-local|kinesalite|dynamodb) return 0 ;; *) return 1 ;; esac; }

alive() { # pid -> 0 if the process exists and is not a zombie (init may reap late)
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}

# Files are keyed by service and port, so instances on other ports (KINESALITE_PORT=… etc.) are
# independent of each other.
instance() { echo "$1-$(port_of "$1")"; }
pid_file() { echo "$RUN/$(instance "$1").pid"; }
log_file() { echo "$RUN/$(instance "$1").log"; }

# Marker that identifies our process in /proc/<pid>/environ (guards against reused pids).
marker() { echo "KC_SERVICE=$(instance "$1")@$ROOT"; }

managed_pid() { # service -> prints the pid if the pid file names a live process we started
  local f pid
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/environ" ]] || return 1
  tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "$(marker "$1")" || return 1
  echo "$pid"
}

# Runs "$@" detached (own session, stdin from /dev/null, output to the service log) and records
# its pid. The pid is written by the shell that then execs the service, so it is exact.
spawn() { # service workdir command...
  local svc="$1" dir="$2"; shift 2
  local pidf logf
  pidf="$(pid_file "$svc")"; logf="$(log_file "$svc")"
  mkdir -p "$RUN"
  rm -f "$pidf"
  printf '\n=== %s starting %s: %s\n' "$(date -u +%FT%TZ)" "$svc" "$*" >>"$logf"
  (
    cd "$dir"
    export "$(marker "$svc")"
    # shellcheck disable=SC2016  # $$, $0 and $@ are for the inner shell
    exec setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" </dev/null >>"$logf" 2>&1
  ) &
  for _ in $(seq 1 50); do [[ -s "$pidf" ]] && break; sleep 0.05; done
  [[ -s "$pidf" ]] || die "$svc: did not record its pid in $pidf"
}

wait_for_port() { # service port
  local svc="$1" port="$2" pid deadline
  pid="$(cat "$(pid_file "$svc")")"
  deadline=$((SECONDS + START_TIMEOUT))
  while ! port_open "$port"; do
    if ! alive "$pid"; then
      log "$svc exited before 127.0.0.1:$port answered; last lines of $(log_file "$svc"):"
      tail -n 40 "$(log_file "$svc")" >&2 || true
      rm -f "$(pid_file "$svc")"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "$svc: 127.0.0.1:$port did not answer within ${START_TIMEOUT}s; last lines of $(log_file "$svc"):"
      tail -n 40 "$(log_file "$svc")" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
}

port_answers_within() { # port pid seconds -> 0 once the port answers; 1 if the process exits or time runs out
  local deadline=$((SECONDS + $3))
  until port_open "$1"; do
    alive "$2" || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

speaks() { # service port -> 0 if the port answers like the service (or curl is missing)
  command -v curl >/dev/null || return 0
  local target ctype expect
  case "$1" in
    dynamodb) target=DynamoDB_20120810.ListTables; ctype=application/x-amz-json-1.0; expect=TableNames ;;
    *) target=Kinesis_20131202.ListStreams; ctype=application/x-amz-json-1.1; expect=StreamNames ;;
  esac
  curl -s -m 5 -X POST "http://$HOST:$2/" -H "Content-Type: $ctype" -H "X-Amz-Target: $target" \
    -H 'X-Amz-Date: 20260101T000000Z' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/x/aws4_request, SignedHeaders=host, Signature=x' \
    -d '{}' 2>/dev/null | grep -q "\"$expect\""
}

# --- installation of the downloaded services ---------------------------------------------

npm_installed_version() { # package -> version in .local/npm, or nothing
  local pj="$NPM_DIR/node_modules/$1/package.json"
  [[ -f "$pj" ]] || return 0
  sed -n 's/^[[:space:]]*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$pj" | head -n 1
}

ensure_npm() {
  if [[ "$(npm_installed_version kinesis-local)" == "$KINESIS_LOCAL_VERSION" \
        && "$(npm_installed_version kinesalite)" == "$KINESALITE_VERSION" ]] \
     && cmp -s "$SCRIPTS/npm/package-lock.json" "$NPM_DIR/package-lock.json"; then
    return 0
  fi
  command -v npm >/dev/null || die "npm not found; install Node.js 18+ (npm) first"
  log "installing kinesis-local $KINESIS_LOCAL_VERSION and kinesalite $KINESALITE_VERSION into $NPM_DIR (npm ci)"
  mkdir -p "$NPM_DIR"
  cp "$SCRIPTS/npm/package.json" "$SCRIPTS/npm/package-lock.json" "$NPM_DIR/"
  # --ignore-scripts: the only install script is leveldown's native build, which kinesalite
  # needs only with --path (we run it in memory).
  (cd "$NPM_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) \
    || die "npm ci in $NPM_DIR failed"
}

ensure_dynamodb() {
  local jar="$DDB_DIR/lib/DynamoDBLocal-$DYNAMODB_LOCAL_VERSION.jar"
  [[ -f "$jar" && -f "$DDB_DIR/lib/.complete" ]] && return 0
  command -v mvn >/dev/null || die "mvn not found; needed to download DynamoDB Local"
  log "downloading DynamoDB Local $DYNAMODB_LOCAL_VERSION and its runtime dependencies into $DDB_DIR/lib"
  rm -rf "${DDB_DIR:?}/lib"
  mkdir -p "$DDB_DIR/lib"
  if ! mvn -B -q -Dstyle.color=never -f "$SCRIPTS/dynamodb-local/pom.xml" \
      -Ddynamodb-local.version="$DYNAMODB_LOCAL_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$DDB_DIR/lib" \
      >"$DDB_DIR/download.log" 2>&1; then
    tail -n 40 "$DDB_DIR/download.log" >&2
    die "downloading DynamoDB Local failed (log: $DDB_DIR/download.log)"
  fi
  [[ -f "$jar" ]] || die "$jar missing after download"
  touch "$DDB_DIR/lib/.complete"
}

# --- start / stop of the downloaded services ---------------------------------------------

start_managed() {
  local svc="$1" port pid tmp
  port="$(port_of "$svc")"
  if pid="$(managed_pid "$svc")"; then
    if port_open "$port"; then
      log "$svc already running (pid $pid) at $(endpoint_of "$svc")"
      return 0
    fi
    # Started by us but not answering: a concurrent start (wait for it), or a process that
    # stopped listening (kinesis-local has been seen alive with its port closed): restart it.
    if port_answers_within "$port" "$pid" "${HUNG_TIMEOUT:-30}"; then
      log "$svc running (pid $pid) at $(endpoint_of "$svc")"
      return 0
    fi
    if alive "$pid"; then
      log "$svc (pid $pid) is running but 127.0.0.1:$port does not answer; restarting it"
      tail -n 20 "$(log_file "$svc")" >&2 || true
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    fi
    rm -f "$(pid_file "$svc")"
  fi
  if port_open "$port"; then
    speaks "$svc" "$port" \
      || die "$svc: 127.0.0.1:$port is in use by something that does not answer like $svc; choose another port"
    log "$svc: 127.0.0.1:$port is already served by a process this script did not start; using it as is"
    return 0
  fi
  case "$svc" in
    kinesis-local)
      ensure_npm
      port_open "$KINESIS_LOCAL_TLS_PORT" \
        && die "kinesis-local: TLS port 127.0.0.1:$KINESIS_LOCAL_TLS_PORT is in use; set KINESIS_LOCAL_TLS_PORT"
      mkdir -p "$RUN/$(instance "$svc")-data"
      # kinesis-local has no bind/host option and listens on 0.0.0.0; loopback-only.cjs rebinds
      # its servers to 127.0.0.1. All *_DURATION delays are 0 so streams are ACTIVE at once.
      spawn "$svc" "$NPM_DIR/node_modules/kinesis-local" env \
        KINESIS_MOCK_PLAIN_PORT="$KINESIS_LOCAL_PORT" \
        KINESIS_MOCK_TLS_PORT="$KINESIS_LOCAL_TLS_PORT" \
        CREATE_STREAM_DURATION=0ms DELETE_STREAM_DURATION=0ms \
        REGISTER_STREAM_CONSUMER_DURATION=0ms DEREGISTER_STREAM_CONSUMER_DURATION=0ms \
        START_STREAM_ENCRYPTION_DURATION=0ms STOP_STREAM_ENCRYPTION_DURATION=0ms \
        MERGE_SHARDS_DURATION=0ms SPLIT_SHARD_DURATION=0ms \
        UPDATE_SHARD_COUNT_DURATION=0ms UPDATE_STREAM_MODE_DURATION=0ms \
        SHARD_LIMIT="${KINESIS_LOCAL_SHARD_LIMIT:-20000}" \
        ON_DEMAND_STREAM_COUNT_LIMIT="${KINESIS_LOCAL_ON_DEMAND_STREAM_COUNT_LIMIT:-100}" \
        LOG_LEVEL="${KINESIS_LOCAL_LOG_LEVEL:-WARN}" ROOT_LOG_LEVEL=ERROR \
        SHOULD_PERSIST_DATA=false LOAD_DATA_IF_EXISTS=false \
        PERSIST_PATH="$RUN/$(instance "$svc")-data" \
        BIND_HOST="$HOST" \
        node --require "$SCRIPTS/npm/loopback-only.cjs" main.js
      ;;
    kinesalite)
      ensure_npm
      # kinesalite 3.3.3 has no --host flag: loopback-only.cjs binds it to 127.0.0.1;
      # kinesalite-fixes.cjs answers AT_TIMESTAMP on a quiet shard (it would hang).
      # No --path: in memory. --shardLimit is the per-account limit it enforces.
      spawn "$svc" "$NPM_DIR/node_modules/kinesalite" env BIND_HOST="$HOST" \
        node --require "$SCRIPTS/npm/loopback-only.cjs" \
        --require "$SCRIPTS/npm/kinesalite-fixes.cjs" cli.js \
        --port "$KINESALITE_PORT" --createStreamMs 0 --deleteStreamMs 0 --updateStreamMs 0 \
        --shardLimit "${KINESALITE_SHARD_LIMIT:-20000}"
      ;;
    dynamodb)
      ensure_dynamodb
      tmp="$RUN/$(instance "$svc")-tmp"
      rm -rf "${tmp:?}"   # natives unpacked by earlier runs
      mkdir -p "$tmp"
      # sqlite4java natives are bundled in DynamoDBLocal 2.6.1 and unpacked into java.io.tmpdir,
      # so no -Djava.library.path is needed. DynamoDB Local has no bind option (all interfaces).
      # shellcheck disable=SC2086
      spawn "$svc" "$DDB_DIR" java $DYNAMODB_JAVA_OPTS -Djava.io.tmpdir="$tmp" \
        -cp "$DDB_DIR/lib/*" com.amazonaws.services.dynamodbv2.local.main.ServerRunner \
        -inMemory -port "$DYNAMODB_PORT" -disableTelemetry
      ;;
  esac
  wait_for_port "$svc" "$port"
  log "$svc started (pid $(cat "$(pid_file "$svc")")) at $(endpoint_of "$svc")"
}

signal_managed() { # service -> sends SIGTERM to a process we started; prints its pid
  local svc="$1" pid
  if ! pid="$(managed_pid "$svc")" || ! alive "$pid"; then
    rm -f "$(pid_file "$svc")"
    log "$svc: not started by this script; nothing to stop"
    return 1
  fi
  kill -TERM "$pid" 2>/dev/null || true
  echo "$pid"
}

await_stopped() { # service pid
  local svc="$1" pid="$2"
  for _ in $(seq 1 100); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    log "$svc (pid $pid) ignored SIGTERM for 10s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$svc")"
  log "$svc stopped (pid $pid)"
}

# --- system services: PostgreSQL, MariaDB, Redis -----------------------------------------

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install $* by hand"
  [[ "$(id -u)" == 0 ]] || die "installing $* needs root (apt-get)"
  if [[ "$APT_UPDATED" == 0 ]]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

wait_port_plain() { # name port
  local deadline=$((SECONDS + START_TIMEOUT))
  until port_open "$2"; do
    ((SECONDS < deadline)) || die "$1: 127.0.0.1:$2 did not answer within ${START_TIMEOUT}s"
    sleep 0.2
  done
}

# shellcheck disable=SC2012  # version directory names are plain numbers
pg_version() { ls "$PG_CONF_ROOT" 2>/dev/null | sort -V | tail -n 1; }

configure_postgres() { # trust auth for loopback TCP, listen on localhost only
  local ver hba conf
  ver="$(pg_version)"
  hba="$PG_CONF_ROOT/$ver/main/pg_hba.conf"
  conf="$PG_CONF_ROOT/$ver/main/postgresql.conf"
  if ! grep -qE '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    log "postgres: enabling trust auth for 127.0.0.1 and ::1 in $hba"
    { printf '%s\n' '# added by kinesis-consumer scripts/services.sh: test database, loopback only' \
        'host all all 127.0.0.1/32 trust' 'host all all ::1/128 trust'
      cat "$hba"; } >"$hba.new"
    chown --reference="$hba" "$hba.new"; chmod --reference="$hba" "$hba.new"
    mv "$hba.new" "$hba"
  fi
  grep -qE "^listen_addresses" "$conf" || echo "listen_addresses = 'localhost'" >>"$conf"
}

start_postgres() {
  local port="$KC_PG_PORT"
  if ! port_open "$port"; then
    [[ "$port" == 5432 ]] || die "postgres: nothing answers on 127.0.0.1:$port (KC_PG_PORT); start it yourself"
    if [[ -z "$(pg_version)" ]] || ! command -v pg_ctlcluster >/dev/null; then
      apt_install postgresql
      [[ -n "$(pg_version)" ]] || die "postgres: no cluster under $PG_CONF_ROOT after apt-get install"
      configure_postgres
    fi
    log "postgres: starting cluster $(pg_version)/main"
    pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main start >&2 \
      || pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main status >/dev/null \
      || die "postgres: pg_ctlcluster start failed"
    wait_port_plain postgres "$port"
  fi
  ensure_pg_database "$port"
  log "postgres up at $(endpoint_of postgres)"
}

ensure_pg_database() {
  local port="$1" q="SELECT 1 FROM pg_database WHERE datname = 'test'" have
  command -v psql >/dev/null || { log "postgres: psql not found; cannot check database test"; return 0; }
  if have="$(psql -h "$HOST" -p "$port" -U postgres -d postgres -XtAc "$q" 2>/dev/null)"; then
    [[ "$have" == 1 ]] && return 0
    log "postgres: creating database test"
    psql -h "$HOST" -p "$port" -U postgres -d postgres -Xqc 'CREATE DATABASE test' >&2
    return 0
  fi
  # No trust auth over TCP: fix it if this is the local default cluster, via the postgres OS user.
  if [[ "$port" == 5432 && "$(id -u)" == 0 && -n "$(pg_version)" ]]; then
    configure_postgres
    pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main reload >&2 || true
    have="$(runuser -u postgres -- psql -p "$port" -XtAc "$q")"
    [[ "$have" == 1 ]] || runuser -u postgres -- psql -p "$port" -Xqc 'CREATE DATABASE test' >&2
    psql -h "$HOST" -p "$port" -U postgres -d test -XtAc 'SELECT 1' >/dev/null \
      || die "postgres: user postgres cannot log in over TCP without a password (trust auth)"
  else
    die "postgres: cannot log in as postgres on 127.0.0.1:$port without a password"
  fi
}

mysql_tcp() { mysql --protocol=TCP -h "$HOST" -P "$KC_MYSQL_PORT" -uroot "$@"; }

start_mysql() {
  local port="$KC_MYSQL_PORT"
  if ! port_open "$port"; then
    [[ "$port" == 3306 ]] || die "mysql: nothing answers on 127.0.0.1:$port (KC_MYSQL_PORT); start it yourself"
    if [[ ! -x "$MARIADBD" ]]; then
      apt_install mariadb-server mariadb-client
      # loopback only; the Debian package already defaults to 127.0.0.1, make it explicit
      mkdir -p "$MARIADB_CONF_DIR"
      printf '%s\n' '# added by kinesis-consumer scripts/services.sh' '[mysqld]' \
        'user = mysql' 'bind-address = 127.0.0.1' >"$MARIADB_CONF_DIR/99-kinesis-consumer.cnf"
    fi
    mkdir -p /run/mysqld
    chown mysql:mysql /run/mysqld 2>/dev/null || true
    if ! port_open "$port"; then   # apt-get may have started it already
      log "mysql: starting mariadbd"
      start-stop-daemon --start --oknodo --background --exec "$MARIADBD" -- --user=mysql >&2
      wait_port_plain mysql "$port"
    fi
  fi
  if ! mysql_tcp -e 'SELECT 1' >/dev/null 2>&1; then
    # Fresh Debian install: root authenticates by unix_socket only. Allow an empty password too.
    if [[ "$port" == 3306 && "$(id -u)" == 0 ]]; then
      log "mysql: allowing root with an empty password over TCP"
      mysql -uroot <<'SQL' >&2
ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
    fi
    mysql_tcp -e 'SELECT 1' >/dev/null || die "mysql: root with an empty password cannot log in on 127.0.0.1:$port"
  fi
  mysql_tcp -e 'CREATE DATABASE IF NOT EXISTS test' >&2
  log "mysql up at $(endpoint_of mysql)"
}

start_redis() {
  local port="$KC_REDIS_PORT"
  if ! port_open "$port"; then
    [[ "$port" == 6379 ]] || die "redis: nothing answers on 127.0.0.1:$port (KC_REDIS_PORT); start it yourself"
    command -v "$REDIS_SERVER" >/dev/null || apt_install redis-server
    if ! port_open "$port"; then   # apt-get may have started it already
      mkdir -p /var/lib/redis /var/log/redis
      log "redis: starting redis-server"
      "$REDIS_SERVER" --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log >&2
      wait_port_plain redis "$port"
    fi
  fi
  log "redis up at $(endpoint_of redis)"
}

# --- commands ------------------------------------------------------------------------------

select_services() { # args -> SERVICES array
  SERVICES=()
  if (($# == 0)); then SERVICES=("${ALL_SERVICES[@]}"); return; fi
  local s
  for s in "$@"; do
    case "$s" in
      kinesis-local|kinesalite|postgres|mysql|redis) SERVICES+=("$s") ;;
      kinesis-mock) SERVICES+=(kinesis-local) ;;
      dynamodb|dynamodb-local) SERVICES+=(dynamodb) ;;
      postgresql|pg) SERVICES+=(postgres) ;;
      mariadb) SERVICES+=(mysql) ;;
      *) die "unknown service '$s' (known: ${ALL_SERVICES[*]})" ;;
    esac
  done
}

cmd_start() {
  local s
  for s in "${SERVICES[@]}"; do
    case "$s" in
      postgres) start_postgres ;;
      mysql) start_mysql ;;
      redis) start_redis ;;
      *) start_managed "$s" ;;
    esac
  done
}

cmd_stop() { # SIGTERM to all first, then wait for each
  local s pid i
  local -a names=() pids=()
  for s in "${SERVICES[@]}"; do
    if ! is_managed "$s"; then log "$s: system service, left running"; continue; fi
    if pid="$(signal_managed "$s")"; then names+=("$s"); pids+=("$pid"); fi
  done
  for i in "${!names[@]}"; do await_stopped "${names[$i]}" "${pids[$i]}"; done
}

cmd_status() {
  local s state note pid rc=0
  for s in "${SERVICES[@]}"; do
    if port_open "$(port_of "$s")"; then state=up; else state=down; rc=1; fi
    note=""
    if is_managed "$s"; then
      if pid="$(managed_pid "$s")"; then note="pid $pid, started by services.sh"
      elif [[ "$state" == up ]]; then note="not started by services.sh"; fi
    else
      note="system service"
    fi
    printf '%-14s %-42s %-5s %s\n' "$s" "$(endpoint_of "$s")" "$state" "${note:+($note)}"
  done
  return "$rc"
}

cmd_env() {
  local s
  for s in "${SERVICES[@]}"; do
    case "$s" in
      kinesis-local) echo "export KC_KINESIS_LOCAL_ENDPOINT=$(endpoint_of "$s")" ;;
      kinesalite) echo "export KC_KINESALITE_ENDPOINT=$(endpoint_of "$s")" ;;
      dynamodb) echo "export KC_DYNAMODB_ENDPOINT=$(endpoint_of "$s")" ;;
      postgres) echo "export KC_PG_URL=$(endpoint_of "$s")" ;;
      mysql) echo "export KC_MYSQL_URL=$(endpoint_of "$s")" ;;
      redis) echo "export KC_REDIS_URL=$(endpoint_of "$s")" ;;
    esac
  done
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

main() {
  (($# >= 1)) || usage
  local cmd="$1"; shift
  select_services "$@"
  case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    install) ensure_npm; ensure_dynamodb ;;
    -h|--help|help) usage ;;
    *) usage ;;
  esac
}

# Allow `source scripts/services.sh` (for tests of the functions) without running anything.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi

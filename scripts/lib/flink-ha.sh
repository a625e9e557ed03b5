# shellcheck shell=bash
# High availability for scripts/flink-cluster.sh (sourced when FLINK_HA=zookeeper): a standalone
# ZooKeeper server (its jar from Maven Central, scripts/zookeeper/pom.xml, in .local/zookeeper/lib)
# on 127.0.0.1:$FLINK_ZK_PORT (2191), data under $RUN/zookeeper; Flink's HA storage directory
# in $FLINK_HOME/ha; two JobManagers, jobmanager-N with REST port $REST_PORT+N-1 and RPC port
# 6122+N. A killed leader's ZooKeeper session expires after 6 s (the default 60 s, capped at
# 20 ticks by the server, made failovers take ~22 s); then the standby leads. Uses log, die, spawn, our_pid, stop_process, $ROOT, $FLINK_HOME, $RUN, $REST_PORT.

ZK_PORT="${FLINK_ZK_PORT:-2191}"
ZK_LIB="$ROOT/.local/zookeeper/lib"
ZK_DIR="$RUN/zookeeper"
HA_STORAGE="$FLINK_HOME/ha"
HA_CLUSTER_ID="${FLINK_HA_CLUSTER_ID:-kinesis-consumer}"
JOBMANAGERS=2

ha_props() { # the HA -D options every Flink process gets
  mkdir -p "$HA_STORAGE"
  printf '%s\n' \
    -D "high-availability.type=zookeeper" \
    -D "high-availability.zookeeper.quorum=127.0.0.1:$ZK_PORT" \
    -D "high-availability.zookeeper.path.root=/flink" \
    -D "high-availability.cluster-id=/$HA_CLUSTER_ID" \
    -D "high-availability.storageDir=file://$HA_STORAGE" \
    -D "high-availability.zookeeper.client.session-timeout=6000" \
    -D "high-availability.zookeeper.client.connection-timeout=5000" \
    -D "zookeeper.sasl.disable=true"
}

jm_rest_port() { echo $((REST_PORT + $1 - 1)); }
jm_rpc_port() { echo $((6122 + $1)); }

jm_props() { # n -> the -D options of jobmanager-n: Flink 1.20 takes the RPC port of an HA
  # JobManager from high-availability.jobmanager.port, Flink 2.x from jobmanager.rpc.port
  printf '%s\n' -D "rest.port=$(jm_rest_port "$1")" -D "high-availability.jobmanager.port=$(jm_rpc_port "$1")" \
    -D "jobmanager.rpc.port=$(jm_rpc_port "$1")"
}

zk_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$ZK_PORT") 2>/dev/null; }

ensure_zk_lib() {
  if [[ ! -f "$ZK_LIB/.complete" ]]; then
    log "downloading the ZooKeeper server jars into $ZK_LIB (Maven)"
    rm -rf "$ZK_LIB"
    mvn -q -B -ntp -f "$ROOT/scripts/zookeeper/pom.xml" dependency:copy-dependencies \
      -Dmdep.overWriteReleases=true -DoutputDirectory="$ZK_LIB" >&2
    touch "$ZK_LIB/.complete"
  fi
}

start_zookeeper() {
  if our_pid zookeeper >/dev/null; then log "zookeeper already running"; return; fi
  zk_port_open && die "something already listens on 127.0.0.1:$ZK_PORT; set FLINK_ZK_PORT"
  ensure_zk_lib
  rm -rf "$ZK_DIR/data" "$HA_STORAGE" # a new cluster: no jobs of an earlier one to recover
  mkdir -p "$ZK_DIR/data" "$HA_STORAGE"
  cat >"$ZK_DIR/zoo.cfg" <<CFG
tickTime=1000
initLimit=10
syncLimit=5
dataDir=$ZK_DIR/data
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=srvr
CFG
  cat >"$ZK_DIR/logback.xml" <<CFG
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$RUN/zookeeper.log</file>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
CFG
  SPAWN_CP="$ZK_LIB/*" spawn zookeeper -Xmx256m -Dlogback.configurationFile="$ZK_DIR/logback.xml" \
    -Dzookeeper.jmx.log4j.disable=true org.apache.zookeeper.server.quorum.QuorumPeerMain "$ZK_DIR/zoo.cfg"
  local deadline=$((SECONDS + START_TIMEOUT))
  until zk_serving; do
    our_pid zookeeper >/dev/null || { tail -n 30 "$RUN/zookeeper.log" "$RUN/zookeeper.out" >&2 || true; die "zookeeper exited"; }
    ((SECONDS < deadline)) || die "zookeeper did not answer on 127.0.0.1:$ZK_PORT within ${START_TIMEOUT}s"
    sleep 0.3
  done
  log "zookeeper up on 127.0.0.1:$ZK_PORT (pid $(our_pid zookeeper)); data in $ZK_DIR/data"
}

zk_serving() { # the four-letter word srvr (over bash's /dev/tcp) answers with the server's mode
  local reply=""
  { exec 3<>"/dev/tcp/127.0.0.1/$ZK_PORT"; } 2>/dev/null || return 1
  printf 'srvr' >&3
  reply="$(timeout 2 cat <&3 || true)"
  exec 3>&- 3<&-
  [[ "$reply" == *"Mode: standalone"* ]]
}

ha_leader() { # the number N of the JobManager that leads (ZooKeeper's dispatcher leader node), or fails
  local info n
  info="$(java -cp "$ZK_LIB/*" -Dlogback.configurationFile="$ZK_DIR/logback.xml" org.apache.zookeeper.ZooKeeperMain \
    -server "127.0.0.1:$ZK_PORT" get "/flink/$HA_CLUSTER_ID/leader/dispatcher/connection_info" 2>/dev/null | tr -c '[:print:]' ' ')" || true
  for n in $(seq 1 "$JOBMANAGERS"); do
    if grep -q "@127.0.0.1:$(jm_rpc_port "$n")/" <<<"$info"; then echo "$n"; return 0; fi
  done
  return 1
}

#!/usr/bin/env bash
# Consumer groups under chaos: four standalone group workers (KinesisConsumer with DynamoDB
# leases), each in its own JVM, share a stream on a kinesis-local of the run's own through a
# DynamoDB Local of the run's own (free ports, tables on disk) while a seeded random schedule mixes kill -9 of a worker
# (restarted), SIGSTOP of a worker past its lease period (then SIGCONT), DynamoDB Local restarts,
# throttling and 5xx from Kinesis through a fault proxy, and a split and a merge per round; a
# producer writes keyed records steadily. At the end: nothing lost, every delivery inside the
# at-least-once window (after every checkpoint of its shard the lease table had accepted), first
# deliveries in per-key order, no thawed worker going on as owner of a shard taken meanwhile.
#
#   scripts/group-chaos.sh                                # 30 minutes, a new seed
#   CHAOS_MINUTES=5 CHAOS_SEED=42 scripts/group-chaos.sh  # replay a schedule
#   CHAOS_RATE=40                                         # records/s written (default 40)
#   scripts/group-chaos.sh -o                             # extra Maven arguments are passed on
#
# Prints the seed first, "CHAOS <time> <event>" lines while it runs, and one "CHAOS SUMMARY"
# table at the end; journals and worker logs stay in target/group-chaos/<seed>-<start>/.
# The test (GroupChaosTest) runs a short version, one round of every event, in the normal suite.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# PostgreSQL (the checkpoint store), the kinesis-local package and the DynamoDB Local jars come
# from services.sh; the run starts its own kinesis-local and DynamoDB Local from them.
bash scripts/services.sh install
bash scripts/services.sh start postgres dynamodb
eval "$(bash scripts/services.sh env postgres)"
export KC_PG_URL
SEED="${CHAOS_SEED:-$(( $(date +%s) % 1000000 ))}"
echo "group-chaos: seed $SEED, ${CHAOS_MINUTES:-30} minutes (replay with CHAOS_SEED=$SEED)"
mkdir -p target
mvn -B -ntp test -Dtest=GroupChaosTest -Dspotless.check.skip=true -Dsurefire.failIfNoSpecifiedTests=false \
  -Dchaos.minutes="${CHAOS_MINUTES:-30}" -Dchaos.seed="$SEED" -Dchaos.rate="${CHAOS_RATE:-40}" \
  "$@" | tee "target/group-chaos-$SEED.out" | grep --line-buffered -E '^(CHAOS|\|)|Tests run:|FAIL|ERROR\]'

#!/usr/bin/env bash
# Chaos soak (default) or load soak, on a MiniCluster in one Maven run.
#
#   scripts/soak.sh                          # chaos: 30 minutes, a new seed (printed)
#   SOAK_MINUTES=3 scripts/soak.sh           # the short version .ci/run runs
#   CHAOS_SEED=123456 scripts/soak.sh        # replay a schedule
#   SOAK_RATE=100                            # records/s written (chaos), default 100
#   SOAK_MODE=load scripts/soak.sh           # load soak: 10 minutes, 1,000,000 records, 64 shards
#   SOAK_MODE=load SOAK_MINUTES=3 SOAK_RECORDS=300000 scripts/soak.sh
#
# Chaos (ChaosSoakTest): keyed records at a steady rate to a 4-shard kinesis-local stream, a
# parallelism-2 job counting them in checkpointed state and mirroring to PostgreSQL, and a seeded
# schedule of splits, merges, throttling, 5xx, expired iterators, the store going dark and
# TaskManager kills. Prints "SOAK event", "SOAK minute N" lines and a "SOAK summary" table.
# Load (SoakTest): prints "SOAK minute N" lines and a final "SCENARIO 0 soak-..." line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ "${SOAK_MODE:-chaos}" == load ]]; then
  # the load soak starts a kinesalite of its own from .local/npm (a worktree uses the main checkout's)
  if [[ ! -f .local/npm/node_modules/kinesalite/cli.js && ! -f .git ]]; then
    bash scripts/services.sh start kinesalite
  fi
  exec mvn -B -ntp -Psoak test -Dtest=SoakTest -Dspotless.check.skip=true \
    -Dsoak.minutes="${SOAK_MINUTES:-10}" -Dsoak.records="${SOAK_RECORDS:-1000000}" \
    -Dsoak.shards="${SOAK_SHARDS:-64}" "$@"
fi
bash scripts/services.sh start kinesis-local postgres
seed=()
[[ -n "${CHAOS_SEED:-}" ]] && seed=(-Dsoak.seed="$CHAOS_SEED")
exec mvn -B -ntp -Psoak test -Dtest=ChaosSoakTest -Dspotless.check.skip=true \
  -Dsoak.minutes="${SOAK_MINUTES:-30}" -Dsoak.rate="${SOAK_RATE:-100}" "${seed[@]}" "$@"

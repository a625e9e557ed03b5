#!/usr/bin/env bash
# Load soak: a producer writes steadily to a 64-shard stream on a kinesalite of the test's own
# while a parallelism-2 Flink job counts every record in checkpointed state; heap after GC and
# the live thread count are printed each minute and must stay flat; counts must be exact.
#
#   scripts/soak.sh                                  # 10 minutes, 1,000,000 records, 64 shards
#   SOAK_MINUTES=3 SOAK_RECORDS=300000 scripts/soak.sh
#
# Prints "SOAK minute N: ..." lines and a final "SCENARIO 0 soak-..." line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The soak starts a kinesalite of its own from .local/npm (a worktree uses the main checkout's).
if [[ ! -f .local/npm/node_modules/kinesalite/cli.js && ! -f .git ]]; then
  bash scripts/services.sh start kinesalite
fi
exec mvn -B -ntp -Psoak test -Dtest=SoakTest -Dspotless.check.skip=true \
  -Dsoak.minutes="${SOAK_MINUTES:-10}" -Dsoak.records="${SOAK_RECORDS:-1000000}" \
  -Dsoak.shards="${SOAK_SHARDS:-64}" "$@"

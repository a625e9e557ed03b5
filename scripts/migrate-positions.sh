#!/usr/bin/env bash
# Writes where an earlier consumer stopped (a legacy FlinkKinesisConsumer savepoint, a KCL lease
# table, a harlow/kinesis-consumer group) into one of this library's checkpoint stores, printing
# a table per shard; see docs/migration.md.
#
#   scripts/migrate-positions.sh --help
#   scripts/migrate-positions.sh --from=kcl --lease-table=orders-kcl --stream=orders \
#       --kinesis.region=eu-west-1 --app=orders-app --checkpoint-store.type=postgres \
#       --checkpoint-store.url=jdbc:postgresql://db:5432/app --dry-run
#
# For --from=legacy-savepoint put the legacy connector jar the old job used on the class path:
#   MIGRATE_EXTRA_CLASSPATH=/path/to/flink-connector-kinesis-4.3.0-1.19.jar scripts/migrate-positions.sh ...
# The database password: --checkpoint-store.password=... or KC_CHECKPOINT_STORE_PASSWORD.
# AWS credentials: the SDK's default chain (environment, profile, instance role).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

command -v java >/dev/null || { echo "migrate-positions.sh: a JDK 11+ is required" >&2; exit 1; }
cp_file=target/migrate-positions.classpath
if [[ ! -f target/classes/io/github/kinesisconsumer/migration/MigratePositions.class \
      || ! -f "$cp_file" || pom.xml -nt "$cp_file" ]]; then
  command -v mvn >/dev/null || { echo "migrate-positions.sh: Maven 3.8+ builds the tool (mvn not found)" >&2; exit 1; }
  echo "migrate-positions.sh: building the tool (once)" >&2
  mvn -q -B -ntp -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
fi
cp="target/classes:$(cat "$cp_file")"
if [[ -n "${MIGRATE_EXTRA_CLASSPATH:-}" ]]; then
  cp="$cp:$MIGRATE_EXTRA_CLASSPATH"
fi
exec java ${MIGRATE_JAVA_OPTS:-} -cp "$cp" io.github.kinesisconsumer.migration.MigratePositions "$@"

#!/usr/bin/env bash
# The project's test command: starts the local services the tests use (installing what is
# missing), then runs the whole Maven build with every test and installs the library; then
# builds the examples (examples/) and runs their smoke tests; then the same for the Flink 2.x
# line (profile flink2: the Flink-facing tests only, the Flink-free ones ran above).
#
#   scripts/test.sh                 # all tests
#   scripts/test.sh -Dtest=Foo      # extra Maven arguments are passed on
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

command -v java >/dev/null || { echo "test.sh: a JDK 11+ is required (java not found)" >&2; exit 1; }
command -v mvn >/dev/null || { echo "test.sh: Maven 3.8+ is required (mvn not found)" >&2; exit 1; }
command -v node >/dev/null || { echo "test.sh: Node.js 18+ is required for the Kinesis emulators" >&2; exit 1; }

bash scripts/services.sh start
# the emulators' own copies, also when another checkout's services answer on the usual ports: some
# tests start private instances (GroupChaosTest restarts its DynamoDB Local)
bash scripts/services.sh install
eval "$(bash scripts/services.sh env)"
export KC_KINESIS_LOCAL_ENDPOINT KC_KINESALITE_ENDPOINT KC_DYNAMODB_ENDPOINT KC_PG_URL KC_MYSQL_URL KC_REDIS_URL

# verify, then install the library into ~/.m2: the examples build against it
mvn -B -ntp install "$@"

# the examples: compile, smoke tests against the emulator, shaded job jar; skipped when extra
# Maven arguments (e.g. -Dtest=...) select a part of the library's tests
if (($# == 0)); then
  mvn -B -ntp -f examples/pom.xml verify
  mvn -B -ntp -Pflink2 install
  mvn -B -ntp -Pflink2 -f examples/pom.xml verify
fi

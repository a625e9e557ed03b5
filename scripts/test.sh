#!/usr/bin/env bash
# The project's test command: starts the local services the tests use (installing what is
# missing), then runs the whole Maven build with every test.
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
eval "$(bash scripts/services.sh env)"
export KC_KINESIS_LOCAL_ENDPOINT KC_KINESALITE_ENDPOINT KC_DYNAMODB_ENDPOINT KC_PG_URL KC_MYSQL_URL KC_REDIS_URL

exec mvn -B -ntp verify "$@"

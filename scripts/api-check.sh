#!/usr/bin/env bash
# Checks that the @PublicEvolving API of this checkout stays binary and source compatible with
# an earlier one (japicmp, profile api-check). The earlier one is a git ref: the previous release
# tag once there is one, or any commit. It is built in a temporary worktree and installed in the
# local Maven repository as version 0.0.0-api-baseline; the report is in target/japicmp/.
#
#   scripts/api-check.sh <git-ref>      exit 0: compatible; non-zero: the report names each break
set -euo pipefail

ref=${1:?usage: scripts/api-check.sh <git-ref>   e.g. the previous release tag}
root=$(cd "$(dirname "$0")/.." && pwd)
baseline=0.0.0-api-baseline
work=$(mktemp -d)
cleanup() {
  git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

git -C "$root" worktree add --detach -q "$work/base" "$ref"
echo "api-check: building the baseline $ref ($(git -C "$work/base" rev-parse --short HEAD))"
(cd "$work/base" && mvn -B -ntp -q -DskipTests -Dspotless.check.skip=true package)
jar=$(ls "$work"/base/target/kinesis-consumer-*.jar | grep -v -- '-sql\.jar$\|-sources\.jar$\|-javadoc\.jar$' | head -1)
mvn -B -ntp -q install:install-file -Dfile="$jar" -DgroupId=io.github.kinesisconsumer \
  -DartifactId=kinesis-consumer -Dversion="$baseline" -Dpackaging=jar -DgeneratePom=true

echo "api-check: comparing this checkout with $ref"
cd "$root"
mvn -B -ntp -Papi-check -Dapi.baseline="$baseline" -DskipTests -Dspotless.check.skip=true verify

#!/usr/bin/env bash
# Runs one test class many times in one JVM, for races: a loop of hundreds of runs before a race
# fix is called done. Compiles the tests first; uses the JUnit Platform launcher that matches the
# project's JUnit. Prints a "REPEAT" line every 10 runs and the failures of any failed run.
#
#   scripts/repeat-test.sh io.github.kinesisconsumer.group.LeaseRaceTest 300
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[[ $# -eq 2 && "$2" =~ ^[0-9]+$ ]] || { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
mvn -q -B -ntp test-compile -Dspotless.check.skip=true
mvn -q -B -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
junit="$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' pom.xml)"
launcher_version="1.${junit#5.}"
mvn -q -B -ntp dependency:copy -Dartifact="org.junit.platform:junit-platform-launcher:$launcher_version" \
  -DoutputDirectory=target/repeat-test
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt):target/repeat-test/junit-platform-launcher-$launcher_version.jar"
exec java -cp "$cp" scripts/lib/RepeatTest.java "$1" "$2"

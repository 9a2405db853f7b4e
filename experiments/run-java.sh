#!/usr/bin/env bash
# Runs a main class from conv4j's test sources (e.g. org.conv4j.experiments.TorchEquivalenceRun) with JDK 25 and
# the same JVM flags as ./conv4j. Builds every module first (quiet, no tests) and runs on the CLI module's test class path, which holds all
# modules and their test helpers.
# Usage: experiments/run-java.sh CLASS [ARGS...]      (JAVA_OPTS goes to the JVM)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/jdk.sh"
conv4j_find_jdk || exit 127
cd "$root"
# The CLI module is built last and its test class path holds every module, with their test helpers.
mkdir -p conv4j-cli/target
cp="$root/conv4j-cli/target/experiments-classpath.txt"
# -pl conv4j-cli -am: the CLI module is the last of the reactor that writes $cp, so the file holds its class path.
MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" mvn -q -B -Dquick -Dstyle.color=never -DskipTests -pl conv4j-cli -am \
  package dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >&2
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow -XX:+UseParallelGC ${JAVA_OPTS:-} \
  -cp "$root/conv4j-cli/target/classes:$root/conv4j-cli/target/test-classes:$(cat "$cp")" "$@"

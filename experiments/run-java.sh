#!/usr/bin/env bash
# Runs a main class from conv4j's test sources (e.g. org.conv4j.experiments.TorchEquivalenceRun) with JDK 25 and
# the same JVM flags as ./conv4j. Compiles main and test classes first (mvn test-compile, quiet) and caches the
# test class path in target/experiments-classpath.txt.
# Usage: experiments/run-java.sh CLASS [ARGS...]      (JAVA_OPTS goes to the JVM)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/jdk.sh"
conv4j_find_jdk || exit 127
cd "$root"
mvn -q -B test-compile >&2
cp="$root/target/experiments-classpath.txt"
if [ ! -s "$cp" ] || [ pom.xml -nt "$cp" ]; then
  mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >&2
fi
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow -XX:+UseParallelGC ${JAVA_OPTS:-} \
  -cp "$root/target/classes:$root/target/test-classes:$(cat "$cp")" "$@"

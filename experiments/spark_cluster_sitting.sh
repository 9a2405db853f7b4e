#!/usr/bin/env bash
# Spark's cost on a real standalone cluster on this box: a Master and two 1-core Workers started from Spark's own
# classes on 127.0.0.1 (as StandaloneClusterTest starts them), each executor a separate JVM; then epochs of the
# reference CNN at batch 256 with conv4j spark train (2 partitions, 2 shards) against it, and conv4j train
# --threads 2 --shards 2 (the same weights, bitwise) in the same sitting. Run experiments/spark_sitting.sh's
# build first (./conv4j spark --version builds the Spark module).
# Two epochs by default (EPOCHS=N for another count): the first includes the JIT's warm-up, the second is the steady state.
# Usage: [EPOCHS=N] experiments/spark_cluster_sitting.sh [DIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$(mktemp -d)}
mkdir -p "$dir/spark-home/jars"
. "$root/bin/jdk.sh"
conv4j_find_jdk
"$root/conv4j" spark --version >/dev/null 2>&1 || true
cp="$root/conv4j-spark/target/conv4j-spark.jar:$root/conv4j-spark/target/lib/*"
# The launcher's JVM flags for Spark on JDK 25 (Spark's own --add-opens list) and the Vector API.
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true)
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
master="spark://127.0.0.1:$port"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
export SPARK_HOME="$dir/spark-home" SPARK_SCALA_VERSION=2.13
"$JAVA_HOME/bin/java" "${flags[@]}" -Xmx512m -cp "$cp" org.apache.spark.deploy.master.Master --host 127.0.0.1 \
  --port "$port" --webui-port 0 > "$dir/master.log" 2>&1 & pids+=($!)
for w in 1 2; do
  "$JAVA_HOME/bin/java" "${flags[@]}" -Xmx512m -cp "$cp" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
    --cores 1 --memory 2g --webui-port 0 --work-dir "$dir/work$w" "$master" > "$dir/worker$w.log" 2>&1 & pids+=($!)
done
for i in $(seq 240); do
  grep -q "Successfully registered" "$dir/worker1.log" 2>/dev/null && grep -q "Successfully registered" "$dir/worker2.log" 2>/dev/null && break
  sleep 1
done
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), flags: $(grep -o -m1 'avx512f' /proc/cpuinfo || echo 'no avx512f'), load $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$root" rev-parse --short HEAD), master $master"
run() {  # NAME ARGS...
  local name=$1; shift
  rm -rf "$dir/$name"
  "$@" --epochs "${EPOCHS:-2}" --batch 256 --out "$dir/$name" --quiet > "$dir/$name.log" 2>&1 || { tail -30 "$dir/$name.log"; exit 1; }
  grep '^epoch ' "$dir/$name.log" | sed "s/^/$name: /"
  grep -m1 '^per step' "$dir/$name.log" || true
}
run reference-train-s2 "$root/conv4j" train --threads 2 --shards 2
run reference-cluster-p2 "$root/conv4j" spark train --master "$master" --partitions 2 --shards 2 \
  --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 --conf spark.cores.max=2 \
  --conf spark.executor.memory=1500m --conf spark.scheduler.minRegisteredResourcesRatio=1.0 \
  --conf "spark.executor.extraClassPath=$cp" --conf "spark.executor.extraJavaOptions=${flags[*]}"
echo "# end $(date -u '+%H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"

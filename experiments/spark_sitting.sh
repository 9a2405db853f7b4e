#!/usr/bin/env bash
# Spark's cost on one box, one sitting: epochs of the reference CNN at batch 256 with conv4j train
# (--threads 2, --shards 1 and 2) and conv4j spark train on local[2] (2 partitions, 2 shards: bitwise the
# --shards 2 run; again without the look-ahead job), then the recipe model (BatchNorm and dropout, so --shards 1: one partition per step) both ways.
# Prints each run's epoch line and Spark's per-step split (steps.csv: compute, communication, scheduling, bytes).
# Two epochs by default (EPOCHS=N for another count): the first includes the JIT's warm-up, the second is the steady state.
# Usage: [EPOCHS=N] experiments/spark_sitting.sh [DIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$(mktemp -d)}
mkdir -p "$dir"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), flags: $(grep -o -m1 'avx512f' /proc/cpuinfo || echo 'no avx512f'), load $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$root" rev-parse --short HEAD)"
run() {  # NAME ARGS...: prints the epoch lines
  local name=$1; shift
  rm -rf "$dir/$name"
  "$@" --epochs "${EPOCHS:-2}" --batch 256 --out "$dir/$name" --quiet > "$dir/$name.log" 2>&1 || { cat "$dir/$name.log"; exit 1; }
  grep '^epoch ' "$dir/$name.log" | sed "s/^/$name: /"
  grep -m1 '^per step' "$dir/$name.log" || true
  if [ -f "$dir/$name/steps.csv" ]; then   # the last epoch's steps: means and medians (the means carry GC pauses)
    /usr/bin/python3 - "$dir/$name/steps.csv" "${EPOCHS:-2}" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
last = rows[len(rows) - len(rows) // int(sys.argv[2]):]
col = lambda k: [1000 * float(r[k]) for r in last]
fmt = lambda f: " + ".join("%s %.1f" % (k.replace("_s", ""), f(col(k))) for k in ("compute_s", "communication_s", "scheduling_s"))
print("last epoch per step: mean %.1f ms = %s; median %.1f ms, medians %s" % (statistics.mean(col("seconds")), fmt(statistics.mean),
      statistics.median(col("seconds")), fmt(statistics.median)))
PY
  fi
}
"$root/conv4j" spark --version >/dev/null 2>&1 || true   # builds the Spark module before the timed runs
run reference-train-s1 "$root/conv4j" train --threads 2
run reference-train-s2 "$root/conv4j" train --threads 2 --shards 2
run reference-spark-p2 "$root/conv4j" spark train --master 'local[2]' --partitions 2 --shards 2
run reference-spark-p2-no-lookahead "$root/conv4j" spark train --master 'local[2]' --partitions 2 --shards 2 --conf spark.conv4j.lookAhead=false
run recipe-train "$root/conv4j" train --model recipe --threads 2
run recipe-spark-p1 "$root/conv4j" spark train --master 'local[2]' --model recipe --partitions 1 --shards 1
echo "# end $(date -u '+%H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"

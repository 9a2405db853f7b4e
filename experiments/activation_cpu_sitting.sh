#!/usr/bin/env bash
# The activations' CPU time side by side at both vector widths: ActivationCpuTimes (conv4j) and
# torch_activation_cpu.py (PyTorch), one thread each, forward + backward of ReLU, Sigmoid, Tanh and GELU at
# [64,32,28,28], alternating ROUNDS times at the host's width and at AVX2's (-XX:UseAVX=2 for conv4j,
# ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 for PyTorch); then per width and layer each side's runs,
# the ratio of the bests and the ratio per round. CPU time is what a host shared with other jobs does not
# inflate; activation_sitting.sh times wall clock with 2 threads, for a quiet host.
# Usage: experiments/activation_cpu_sitting.sh OUT_DIR [ROUNDS]     (default 3; JAVA_OPTS goes to the JVM)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); root=$(dirname "$here")
out=${1:?usage: activation_cpu_sitting.sh OUT_DIR [ROUNDS]}; rounds=${2:-3}; mkdir -p "$out"
py=${PYTHON:-/usr/bin/python3}
cd "$root"
"$here/run-java.sh" org.conv4j.experiments.LayerTimes 2 NONE > /dev/null 2>&1   # compiles once
. "$root/bin/jdk.sh"; conv4j_find_jdk
cp="$root/conv4j-cli/target/classes:$root/conv4j-cli/target/test-classes:$(cat "$root/conv4j-cli/target/experiments-classpath.txt")"
for r in $(seq 1 "$rounds"); do
  for bits in host avx2; do
    jflags=(); tenv=()
    if [ "$bits" = avx2 ]; then jflags=(-XX:UseAVX=2); tenv=(ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2); fi
    echo "$(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg) round $r $bits" >> "$out/log.txt"
    env OMP_NUM_THREADS=1 "${tenv[@]}" "$py" "$here/torch_activation_cpu.py" | sed "s/^/$bits\ttorch\t/" >> "$out/cpu.tsv"
    "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -XX:+UseParallelGC "${jflags[@]}" ${JAVA_OPTS:-} -cp "$cp" \
      org.conv4j.experiments.ActivationCpuTimes 2>/dev/null | sed "s/^/$bits\tconv4j\t/" >> "$out/cpu.tsv"
  done
done
"$py" - "$out" <<'PY'
import sys, collections
runs = collections.defaultdict(list)
for line in open(f"{sys.argv[1]}/cpu.tsv"):
    bits, side, name, ms = line.rstrip("\n").split("\t")
    runs[bits, name, side].append(float(ms))
print("width\tlayer\ttorch_ms (runs)\tconv4j_ms (runs)\tratio of bests\tratio per round")
for bits in ("host", "avx2"):
    for name in ("ReLU", "Sigmoid", "Tanh", "GELU"):
        t, c = runs[bits, name, "torch"], runs[bits, name, "conv4j"]
        if not t or not c:
            continue
        per = ", ".join(f"{a / b:.2f}" for a, b in zip(c, t))
        print(f"{bits}\t{name}\t{', '.join(f'{v:.3f}' for v in t)}\t{', '.join(f'{v:.3f}' for v in c)}\t"
              f"{min(c) / min(t):.2f}\t{per}")
PY

#!/usr/bin/env bash
# The activations side by side: LayerTimes (conv4j) and torch_layers.py (PyTorch) alternating, ROUNDS times,
# on ReLU, Sigmoid, Tanh and GELU at [64,32,28,28], 2 threads; then the best fwd+bwd per side and the ratio.
# Usage: experiments/activation_sitting.sh OUT_DIR [ROUNDS]     (default 3; JAVA_OPTS goes to the JVM)
# At AVX2's width on an AVX-512 host: JAVA_OPTS=-XX:UseAVX=2 ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 \
#   experiments/activation_sitting.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); root=$(dirname "$here")
out=${1:?usage: activation_sitting.sh OUT_DIR [ROUNDS]}; rounds=${2:-3}; mkdir -p "$out"
py=${PYTHON:-/usr/bin/python3}; layers=ReLU,Sigmoid,Tanh,GELU
cd "$root"
"$here/run-java.sh" org.conv4j.experiments.LayerTimes 2 NONE > /dev/null 2>&1   # compiles once
. "$root/bin/jdk.sh"; conv4j_find_jdk
for r in $(seq 1 "$rounds"); do
  echo "$(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg) round $r torch" >> "$out/log.txt"
  OMP_NUM_THREADS=2 "$py" "$here/torch_layers.py" 2 "$layers" | grep -v '^layer' >> "$out/torch.tsv"
  echo "$(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg) round $r conv4j" >> "$out/log.txt"
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -XX:+UseParallelGC ${JAVA_OPTS:-} \
    -cp "$root/conv4j-cli/target/classes:$root/conv4j-cli/target/test-classes:$(cat "$root/conv4j-cli/target/experiments-classpath.txt")" \
    org.conv4j.experiments.LayerTimes 2 "$layers" 2>/dev/null | grep -v '^layer' >> "$out/conv4j.tsv"
done
"$py" - "$out" <<'PY'
import sys, collections
out = sys.argv[1]
def runs(path):
    b = collections.defaultdict(list)
    for line in open(path):
        name, shape, fwd, fb = line.split("\t")
        b[name].append(float(fb))
    return b
t, c = runs(f"{out}/torch.tsv"), runs(f"{out}/conv4j.tsv")
print("layer\ttorch_fwdbwd_ms (runs)\tconv4j_fwdbwd_ms (runs)\tratio of bests\tratio per round")
for name in t:
    per = ", ".join(f"{a / b:.2f}" for a, b in zip(c[name], t[name]))
    print(f"{name}\t{', '.join(f'{v:.3f}' for v in t[name])}\t{', '.join(f'{v:.3f}' for v in c[name])}\t"
          f"{min(c[name]) / min(t[name]):.2f}\t{per}")
PY

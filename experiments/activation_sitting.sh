#!/usr/bin/env bash
# The activations side by side: LayerTimes (conv4j) and torch_layers.py (PyTorch) alternating, ROUNDS times,
# on ReLU, Sigmoid, Tanh and GELU at [64,32,28,28], 2 threads. The best of the rounds per side gives the ratio.
# Usage: experiments/activation_sitting.sh OUT_DIR [ROUNDS]     (default 3)
# At AVX2's width on an AVX-512 host: JAVA_OPTS=-XX:UseAVX=2 ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 \
#   experiments/activation_sitting.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); root=$(dirname "$here")
out=${1:?usage: activation_sitting.sh OUT_DIR [ROUNDS]}; rounds=${2:-3}; mkdir -p "$out"
py=${PYTHON:-/usr/bin/python3}
cd "$root"
for r in $(seq 1 "$rounds"); do
  for layer in ReLU Sigmoid Tanh GELU; do
    echo "$(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg) round $r $layer" >> "$out/log.txt"
    OMP_NUM_THREADS=2 "$py" "$here/torch_layers.py" 2 "$layer" | grep -v '^layer' | grep -v '^LeakyReLU' >> "$out/torch.tsv"
    "$here/run-java.sh" org.conv4j.experiments.LayerTimes 2 "$layer" 2>/dev/null | grep -v '^layer' >> "$out/conv4j.tsv"
  done
done
# layer, best fwd+bwd of each side, ratio
"$py" - "$out" <<'PY'
import sys, collections
out = sys.argv[1]
def best(path):
    b = collections.defaultdict(lambda: float("inf"))
    for line in open(path):
        name, shape, fwd, fb = line.split("\t")
        b[name] = min(b[name], float(fb))
    return b
t, c = best(f"{out}/torch.tsv"), best(f"{out}/conv4j.tsv")
print("layer\ttorch_fwdbwd_ms\tconv4j_fwdbwd_ms\tratio")
for name in t:
    print(f"{name}\t{t[name]:.3f}\t{c[name]:.3f}\t{c[name] / t[name]:.2f}")
PY

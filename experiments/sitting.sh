#!/usr/bin/env bash
# One benchmark sitting: every target measured side by side, the two sides alternating, so the
# ratios in BENCHMARKS.md come from one stretch of one (shared, noisy) machine. About 10 minutes on 2 cores.
#   1. torch_conv_bench.py and conv4j bench alternating, twice per thread count, T = 2 then T = 1;
#   2. conv4j bench --scaling on the large shapes (cifar-c3, res-c128), twice: 1 and 2 threads alternating in
#      one JVM, the fair form of the 1 -> 2 threads target;
#   3. openblas_sgemm.py at 2 and 1 threads;
#   4. torch_fmnist.py 2, conv4j train --epochs 2, conv4j eval;
#   5. djl/run.sh 1 (skipped with SKIP_DJL=1), torch_fmnist.py 1, conv4j train --epochs 1;
#   6. compare_conv.sh 2, twice;
#   7. the other layers (pooling, activations, batch norm): LayerTimes and torch_layers.py alternating, twice;
#   8. the recipe model (BN, dropout, AdamW, one-cycle, flips, batch 128): torch_fmnist_recipe.py 1 beside the
#      same conv4j train options, each under /usr/bin/time -v; then conv4j train --threads 1 --epochs 2, the
#      1 -> 2 threads epochs beside step 4's 2-thread run (epoch 2 is the steady state, epoch 1 has the JIT).
# Then experiments/sitting_summary.py prints the tables. Needs python3-torch, python3-numpy,
# libopenblas0-pthread and dataset-fashion-mnist (Debian), and ../shared/bench beside the project.
# Usage: experiments/sitting.sh OUT_DIR
# At AVX2's width on an AVX-512 host: JAVA_OPTS=-XX:UseAVX=2 ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 \
#   OPENBLAS_CORE=Haswell experiments/sitting.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); root=$(dirname "$here")
out=${1:?usage: sitting.sh OUT_DIR}; mkdir -p "$out"; out=$(cd "$out" && pwd)
bench=${BENCH_DIR:-$root/../shared/bench}; py=${PYTHON:-/usr/bin/python3}
cd "$root"
stamp() { echo "$(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg) $*" | tee -a "$out/log.txt"; }

stamp start
for T in 2 1; do
  for r in 1 2; do
    stamp "torch conv T=$T run $r"
    OMP_NUM_THREADS=$T "$py" "$bench/torch_conv_bench.py" "$bench/shapes.tsv" > "$out/torch-conv-t$T-r$r.tsv"
    stamp "conv4j bench T=$T run $r"
    ./conv4j bench --threads "$T" --shapes "$bench/shapes.tsv" > "$out/conv4j-bench-t$T-r$r.txt"
  done
done
grep -E '^#|^(cifar-c3|res-c128)[[:space:]]' "$bench/shapes.tsv" > "$out/large.tsv"
for r in 1 2; do
  stamp "conv4j bench --scaling run $r"
  ./conv4j bench --threads 2 --shapes "$out/large.tsv" --scaling --no-gemm --no-inference > "$out/conv4j-scaling-r$r.txt"
done
for T in 2 1; do
  stamp "openblas T=$T"
  # OPENBLAS_CORE names the kernel OpenBLAS runs (Haswell: AVX2); unset, it picks the host's own, so a
  # machine-wide OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE is dropped for this command.
  if [ -n "${OPENBLAS_CORE:-}" ]; then
    OPENBLAS_CORETYPE=$OPENBLAS_CORE OPENBLAS_NUM_THREADS=$T "$py" "$bench/openblas_sgemm.py" > "$out/openblas-t$T.tsv"
  else
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=$T "$py" "$bench/openblas_sgemm.py" > "$out/openblas-t$T.tsv"
  fi
done
stamp "torch_fmnist 2"
OMP_NUM_THREADS=2 /usr/bin/time -v "$py" "$bench/torch_fmnist.py" 2 > "$out/torch-fmnist-2.txt" 2> "$out/torch-fmnist-2.time"
stamp "conv4j train 2"
/usr/bin/time -v ./conv4j train --epochs 2 --out "$out/run2" --force > "$out/conv4j-train-2.txt" 2>&1
stamp "conv4j eval"
./conv4j eval --model "$out/run2/model.safetensors" > "$out/conv4j-eval.txt" 2>&1 || true
if [ -z "${SKIP_DJL:-}" ]; then
  stamp "djl 1"
  "$bench/djl/run.sh" 1 > "$out/djl-1.txt" 2>&1 || echo "djl failed" >> "$out/djl-1.txt"
fi
stamp "torch_fmnist 1"
OMP_NUM_THREADS=2 "$py" "$bench/torch_fmnist.py" 1 > "$out/torch-fmnist-1.txt"
stamp "conv4j train 1"
./conv4j train --epochs 1 --out "$out/run1" --force > "$out/conv4j-train-1.txt" 2>&1
for r in 1 2; do
  stamp "compare_conv 2 run $r"
  "$bench/compare_conv.sh" 2 > "$out/compare-r$r.tsv"
done
for r in 1 2; do
  stamp "torch layers run $r"
  OMP_NUM_THREADS=2 "$py" "$here/torch_layers.py" 2 > "$out/torch-layers-r$r.tsv"
  stamp "conv4j layers run $r"
  "$here/run-java.sh" org.conv4j.experiments.LayerTimes 2 > "$out/conv4j-layers-r$r.tsv"
done
for m in reference recipe; do ./conv4j summary --model "$m" > "$out/summary-$m.txt" 2>&1; done
stamp "torch recipe 1"
OMP_NUM_THREADS=2 /usr/bin/time -v "$py" "$bench/torch_fmnist_recipe.py" 1 > "$out/torch-recipe-1.txt" 2> "$out/torch-recipe-1.time"
stamp "conv4j recipe 1"
/usr/bin/time -v ./conv4j train --model recipe --optimizer adamw --lr 2e-3 --weight-decay 1e-4 --schedule onecycle \
  --batch 128 --flip --epochs 1 --threads 2 --out "$out/recipe1" --force > "$out/conv4j-recipe-1.txt" 2>&1
stamp "conv4j train 2, one thread"
./conv4j train --epochs 2 --threads 1 --out "$out/run2t1" --force > "$out/conv4j-train-2t1.txt" 2>&1
stamp end
"$py" "$here/sitting_summary.py" "$out" | tee "$out/summary.md"

#!/usr/bin/env bash
# Torch equivalence of conv4j's training (docs/accuracy.md): conv4j trains the reference CNN as `conv4j train --seed S`
# does and writes its initial weights and data order; PyTorch trains from exactly those; each is also run from
# the same weights moved by one float32 ulp (the chaos control), and PyTorch once more unchanged (is it
# deterministic run to run?). Ends with two tables from torch_equivalence.py compare.
# Usage: experiments/equivalence.sh OUT_DIR [SEED] [EPOCHS] [extra TorchEquivalenceRun args, e.g. --train-size 640 --test-size 200]
# About 9 minutes on 2 cores for the full data (5 runs of 2 epochs); CONTROLS=0 runs only conv4j and torch (2 runs).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: equivalence.sh OUT_DIR [SEED] [EPOCHS] [extra args]}; seed=${2:-0}; epochs=${3:-2}; shift $(( $# < 3 ? $# : 3 ))
py=${PYTHON:-/usr/bin/python3}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
mkdir -p "$out"
run_java() { "$here/run-java.sh" org.conv4j.experiments.TorchEquivalenceRun "$@"; }
run_java "$out/conv4j" --seed "$seed" --epochs "$epochs" "$@"
"$py" "$here/torch_equivalence.py" train "$out/conv4j" "$out/torch"
if [ "${CONTROLS:-1}" = 0 ]; then
  echo
  "$py" "$here/torch_equivalence.py" compare "$out/torch" "$out/conv4j"
  exit 0
fi
run_java "$out/conv4j-ulp" --seed "$seed" --epochs "$epochs" --perturb-ulp "$@"
"$py" "$here/torch_equivalence.py" train "$out/conv4j" "$out/torch-repeat"
"$py" "$here/torch_equivalence.py" train "$out/conv4j" "$out/torch-ulp" --perturb-ulp
echo
"$py" "$here/torch_equivalence.py" compare "$out/torch" "$out/conv4j" "$out/torch-repeat" "$out/torch-ulp"
echo
"$py" "$here/torch_equivalence.py" compare "$out/conv4j" "$out/conv4j-ulp"

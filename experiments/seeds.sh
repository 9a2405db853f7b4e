#!/usr/bin/env bash
# Test accuracy of the reference CNN over seeds, conv4j and PyTorch side by side (docs/accuracy.md).
# conv4j: ./conv4j train --epochs E --seed S (Adam 1e-3, batch 64: the defaults); PyTorch: the shared
# torch_fmnist.py with torch.manual_seed(S) (torch_fmnist_seed.py). Prints each run's test accuracy per epoch, then
# a table with mean ± sample standard deviation per column. About 3-4 minutes per seed on 2 cores.
# Usage: experiments/seeds.sh OUT_DIR [SEED...]      (default seeds 0 1 2 3 4; EPOCHS=2;
#        CONV4J_TRAIN_ARGS adds arguments to conv4j train; SKIP_TORCH=1 / SKIP_CONV4J=1 leave one side out)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); root=$(dirname "$here")
out=${1:?usage: seeds.sh OUT_DIR [SEED...]}; shift
seeds=("$@"); [ ${#seeds[@]} -gt 0 ] || seeds=(0 1 2 3 4)
epochs=${EPOCHS:-2}; py=${PYTHON:-/usr/bin/python3}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
mkdir -p "$out"
tsv="$out/results.tsv"
[ -f "$tsv" ] || printf 'framework\tseed\tepoch\ttest_acc\n' > "$tsv"
for s in "${seeds[@]}"; do
  if [ -z "${SKIP_CONV4J:-}" ]; then
    "$root/conv4j" train --epochs "$epochs" --seed "$s" --out "$out/conv4j-seed$s" --quiet --force ${CONV4J_TRAIN_ARGS:-} \
      2> "$out/conv4j-seed$s.log"
    # metrics.csv: epoch,train_loss,train_acc,test_loss,test_acc,...
    tail -n +2 "$out/conv4j-seed$s/metrics.csv" | awk -F, -v s="$s" '{printf "conv4j\t%s\t%s\t%s\n", s, $1, $5}' | tee -a "$tsv"
  fi
  if [ -z "${SKIP_TORCH:-}" ]; then
    "$py" "$here/torch_fmnist_seed.py" "$s" "$epochs" > "$out/torch-seed$s.log"
    # lines: epoch N<TAB>train_s ...<TAB>test_acc A<TAB>...
    sed -n 's/^epoch \([0-9]*\)\t.*test_acc \([0-9.]*\).*/\1 \2/p' "$out/torch-seed$s.log" \
      | awk -v s="$s" '{printf "torch\t%s\t%s\t%s\n", s, $1, $2}' | tee -a "$tsv"
  fi
done
echo
"$py" - "$tsv" <<'PY'
import sys, collections, statistics as st
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
acc = collections.defaultdict(dict)  # (framework, epoch) -> {seed: acc}
for fw, seed, ep, a in rows: acc[(fw, int(ep))][int(seed)] = 100 * float(a)
cols = sorted(acc, key=lambda k: (k[0] != "conv4j", k[1]))
seeds = sorted({s for d in acc.values() for s in d})
print("| seed | " + " | ".join(f"{fw} epoch {ep}" for fw, ep in cols) + " |")
print("| --- |" + " --- |" * len(cols))
for s in seeds:
    print(f"| {s} | " + " | ".join(f"{acc[c][s]:.2f}" if s in acc[c] else "" for c in cols) + " |")
def ms(v): return f"{st.mean(v):.2f} ± {st.stdev(v):.2f}" if len(v) > 1 else (f"{v[0]:.2f}" if v else "")
print("| mean ± sd | " + " | ".join(ms(list(acc[c].values())) for c in cols) + " |")
print("| min..max | " + " | ".join(f"{min(acc[c].values()):.2f}..{max(acc[c].values()):.2f}" for c in cols) + " |")
PY

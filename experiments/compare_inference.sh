#!/usr/bin/env bash
# Inference side by side in one sitting, 2 threads each: conv4j (bench --onnx), ONNX Runtime 1.22 Java (OrtLatencyRun)
# and PyTorch (torchvision's model of the same name, if it has one) on FILE.onnx with the same random inputs; one table.
# Usage: experiments/compare_inference.sh FILE.onnx [BATCHES (default 1,32)] [CALLS_B1 CALLS_REST (default 200 20)]
# e.g. python3 examples/export_resnet18.py && experiments/compare_inference.sh resnet18.onnx 1,32
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
file=$(realpath "$1"); batches=${2:-1,32}; c1=${3:-200}; cn=${4:-20}
name=$(basename "$file" .onnx)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $name, batches $batches"
"$root/experiments/run-java.sh" org.conv4j.experiments.OrtLatencyRun "$file" "$batches" "$tmp" "$c1" "$cn" > "$tmp/ort.tsv"
# batch 1 with CALLS_B1 calls, the other batch sizes with CALLS_REST
echo -e "model\tbatch\tcalls\tbest_ms\tmedian_ms\timages_per_s\tpeak_heap_mb" > "$tmp/c.tsv"
rest=$(echo "$batches" | tr ',' '\n' | grep -vx 1 | paste -sd, - || true)
if echo "$batches" | tr ',' '\n' | grep -qx 1; then
  JAVA_OPTS=${JAVA_OPTS:--Xmx3g} "$root/conv4j" bench --onnx "$file" --batch 1 --threads 2 --calls "$c1" | grep -v '^#' | tail -n +2 >> "$tmp/c.tsv"
fi
if [ -n "$rest" ]; then
  JAVA_OPTS=${JAVA_OPTS:--Xmx3g} "$root/conv4j" bench --onnx "$file" --batch "$rest" --threads 2 --calls "$cn" | grep -v '^#' | tail -n +2 >> "$tmp/c.tsv"
fi
if /usr/bin/python3 -c "import torchvision.models as m, sys; sys.exit(0 if hasattr(m, '$name') else 1)" 2>/dev/null; then
  /usr/bin/python3 "$root/experiments/torch_latency.py" "$name" "$batches" "$tmp" "$c1" "$cn" > "$tmp/torch.tsv"
else
  : > "$tmp/torch.tsv"; echo "# PyTorch: torchvision has no model '$name'; left out"
fi
{ cat "$tmp/c.tsv"; tail -n +2 "$tmp/ort.tsv"; cat "$tmp/torch.tsv"; } | column -t -s $'\t'

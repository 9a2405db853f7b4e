#!/usr/bin/env bash
# The inference table of BENCHMARKS.md in one sitting: resnet18, mobilenet_v2 and efficientnet_b0 (torchvision
# definitions, random weights, exported at opset 13) at batch 1 and 32, and conv4j's reference CNN (trained for one
# epoch, exported by conv4j export) at batch 1 and 64, each through experiments/compare_inference.sh: conv4j
# bench --onnx, ONNX Runtime 1.22 Java and PyTorch 1.13, 2 threads each.
# Usage: experiments/inference_sitting.sh [DIR (default: a temporary folder)]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$(mktemp -d)}
mkdir -p "$dir"
cd "$dir"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), flags: $(grep -o -m1 'avx512f' /proc/cpuinfo || echo 'no avx512f'), load $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$root" rev-parse --short HEAD)"
for m in resnet18 mobilenet_v2 efficientnet_b0; do
  [ -f "$m.onnx" ] || /usr/bin/python3 -c "
import torch, torchvision
m = torchvision.models.$m(weights=None).eval()
torch.onnx.export(m, torch.zeros(1, 3, 224, 224), '$m.onnx', opset_version=13, input_names=['input'],
                  output_names=['logits'], dynamic_axes={'input': {0: 'batch'}})" >/dev/null 2>&1
done
if [ ! -f reference.onnx ]; then
  "$root/conv4j" train --epochs 1 --progress none --out "$dir/reference-run" >/dev/null
  "$root/conv4j" export --model "$dir/reference-run/model.safetensors" --out reference.onnx >/dev/null
fi
for m in resnet18 mobilenet_v2 efficientnet_b0; do
  "$root/experiments/compare_inference.sh" "$m.onnx" 1,32 200 20 2>/dev/null | grep -v '^#'
done
"$root/experiments/compare_inference.sh" reference.onnx 1,64 3000 300 2>/dev/null | grep -v '^#'
echo "# end $(date -u '+%H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"

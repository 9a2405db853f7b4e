# PyTorch's side of experiments/compare_inference.sh: times a torchvision model (random weights: speed does not
# depend on them) on the inputs OrtLatencyRun wrote (DIR/input_B.npy), torch.set_num_threads(2), each call timed
# alone after as many untimed calls, under torch.inference_mode(); prints rows in conv4j bench --onnx's columns
# (peak_heap_mb: the process's peak RSS).
# Usage: /usr/bin/python3 experiments/torch_latency.py MODEL B1,B2 DIR [CALLS_B1 CALLS_REST]
import resource, sys, time
import numpy as np, torch, torchvision
name, batches, d = sys.argv[1], [int(b) for b in sys.argv[2].split(",")], sys.argv[3]
calls_one = int(sys.argv[4]) if len(sys.argv) > 4 else 200
calls_many = int(sys.argv[5]) if len(sys.argv) > 5 else 20
torch.set_num_threads(2)
model = getattr(torchvision.models, name)(weights=None).eval()
for b in batches:
    x = torch.from_numpy(np.load(f"{d}/input_{b}.npy"))
    calls = calls_one if b == 1 else calls_many
    with torch.inference_mode():
        for _ in range(calls): model(x)
        ms = []
        for _ in range(calls):
            t0 = time.perf_counter(); model(x); ms.append((time.perf_counter() - t0) * 1e3)
    ms.sort()
    median = ms[calls // 2] if calls % 2 else (ms[calls // 2 - 1] + ms[calls // 2]) / 2
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch:{name}\t{b}\t{calls}\t{ms[0]:.3f}\t{median:.3f}\t{b * 1000 / median:.1f}\t{rss:.1f}")

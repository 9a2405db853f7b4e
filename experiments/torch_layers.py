"""The torch side of org.conv4j.experiments.LayerTimes: the same layers on the same shapes, the same columns
(layer, shape, fwd_ms, fwdbwd_ms), unit Gaussian input and dOut, 50 warm-up calls, then the best of 5 rounds
of 20 calls. Usage: /usr/bin/python3 experiments/torch_layers.py [THREADS [LAYER]]   (default 2 threads; LAYER keeps
the rows whose layer starts with it, or with one of a comma-separated list, as LayerTimes does)"""
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
only = sys.argv[2] if len(sys.argv) > 2 else ""
torch.set_num_threads(threads)
torch.manual_seed(1)
nn = torch.nn
POOL, ACT = (64, 64, 32, 32), (64, 32, 28, 28)
CASES = [
    ("MaxPool2d(2)", nn.MaxPool2d(2), POOL),
    ("MaxPool2d(3,2,1)", nn.MaxPool2d(3, 2, 1), POOL),
    ("MaxPool2d(3,1,1)", nn.MaxPool2d(3, 1, 1), POOL),
    ("AvgPool2d(2)", nn.AvgPool2d(2), POOL),
    ("AvgPool2d(3,2,1)", nn.AvgPool2d(3, 2, 1), POOL),
    ("AvgPool2d(3,1,1)", nn.AvgPool2d(3, 1, 1), POOL),
    ("AdaptiveAvgPool2d(1)", nn.AdaptiveAvgPool2d(1), POOL),
    ("ReLU", nn.ReLU(), ACT),
    ("LeakyReLU", nn.LeakyReLU(), ACT),
    ("Sigmoid", nn.Sigmoid(), ACT),
    ("Tanh", nn.Tanh(), ACT),
    ("GELU", nn.GELU(), ACT),
    ("BatchNorm2d", nn.BatchNorm2d(64), (64, 64, 32, 32)),
    ("BatchNorm2d", nn.BatchNorm2d(128), (32, 128, 16, 16)),
]


def best(call):
    for _ in range(50):
        call()
    b = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(20):
            call()
        b = min(b, (time.perf_counter() - t0) / 20 * 1e3)
    return b


print("layer\tshape\tfwd_ms\tfwdbwd_ms")
for name, layer, shape in CASES:
    if not any(name.startswith(o) for o in only.split(",")):
        continue
    x = torch.randn(*shape, requires_grad=True)
    d = torch.randn(*layer(x).shape)

    def fwd():
        with torch.no_grad():
            layer(x)

    inputs = [x] + list(layer.parameters())

    def fwd_bwd():
        # the gradients of x and any weights, returned rather than accumulated into .grad (one add fewer)
        torch.autograd.grad(layer(x), inputs, d)

    print(f"{name}\t[{','.join(map(str, shape))}]\t{best(fwd):.3f}\t{best(fwd_bwd):.3f}")

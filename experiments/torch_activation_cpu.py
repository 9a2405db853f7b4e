"""The torch side of org.conv4j.experiments.ActivationCpuTimes: forward + backward of ReLU, Sigmoid, Tanh and
GELU on [64,32,28,28], one thread, in milliseconds of process CPU time (best of 7 rounds of 10 calls after 20
warm-up calls). Usage: OMP_NUM_THREADS=1 /usr/bin/python3 experiments/torch_activation_cpu.py"""
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(1)
nn = torch.nn
for name, layer in [("ReLU", nn.ReLU()), ("Sigmoid", nn.Sigmoid()), ("Tanh", nn.Tanh()), ("GELU", nn.GELU())]:
    x = torch.randn(64, 32, 28, 28, requires_grad=True)
    d = torch.randn(64, 32, 28, 28)

    def fwd_bwd():
        torch.autograd.grad(layer(x), [x], d)

    for _ in range(20):
        fwd_bwd()
    best = float("inf")
    for _ in range(7):
        t0 = time.process_time()
        for _ in range(10):
            fwd_bwd()
        best = min(best, (time.process_time() - t0) / 10 * 1e3)
    print(f"{name}\t{best:.3f}")

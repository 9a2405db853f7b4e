"""Runs ../shared/bench/torch_fmnist.py unchanged except for its seed: the script calls torch.manual_seed(0) once,
before building the model; here that call seeds with SEED instead. Everything else (data, model, Adam 1e-3, batch 64,
torch.randperm shuffling, evaluation, output lines) is the shared script's own code.
Usage: OMP_NUM_THREADS=2 python3 torch_fmnist_seed.py SEED EPOCHS     (TORCH_FMNIST=path overrides the script)"""
import os, runpy, sys
import torch

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
script = os.environ.get("TORCH_FMNIST", os.path.join(root, "..", "shared", "bench", "torch_fmnist.py"))
seed, epochs = int(sys.argv[1]), sys.argv[2]
real_manual_seed = torch.manual_seed
torch.manual_seed = lambda _ignored: real_manual_seed(seed)
sys.argv = [script, epochs]
runpy.run_path(script, run_name="__main__")

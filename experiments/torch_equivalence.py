"""The PyTorch half of the torch-equivalence experiment (ACCURACY.md, issue #3).

`train`: repeats a conv4j run (written by TorchEquivalenceRun) in PyTorch with exactly its initial weights and its
data order, and otherwise exactly as ../shared/bench/torch_fmnist.py trains: the same nn.Sequential, Adam(lr 1e-3,
torch defaults), nn.CrossEntropyLoss (mean), batches of 64 taken from the epoch's order (the last one of 32 kept),
pixels / 255, test accuracy on the 10,000 test images in batches of 1000. Writes the same files conv4j wrote
(result.json, step1/final/losses.safetensors) so that `compare` can treat both alike.

    OMP_NUM_THREADS=2 python3 torch_equivalence.py train CONV4J_DIR OUT_DIR [--perturb-ulp]

--perturb-ulp moves every initial weight and bias one float32 ulp up (np.nextafter towards +inf), as
TorchEquivalenceRun --perturb-ulp does: the chaos control.

`compare`: a table of every run's test accuracy per epoch, and how far each run's trajectory is from the first
one's (the reference): the largest difference of the weights after step 1 (relative to the largest weight), the
first step whose batch loss differs by more than 1% and by more than 10%, and the relative L2 distance of the final
weights.

    python3 torch_equivalence.py compare REF_DIR DIR...
"""
import gzip, json, os, struct, sys, time
import numpy as np
import torch, torch.nn as nn

D = "/usr/share/datasets/fashion-mnist/"
DTYPES = {"F32": "<f4", "F64": "<f8", "I64": "<i8"}
NAMES = {np.dtype("<f4"): "F32", np.dtype("<f8"): "F64", np.dtype("<i8"): "I64"}


def read_safetensors(path):
    """{name: numpy array}, by the published format (8-byte little-endian header length, JSON header, data)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    body = data[8 + n:]
    out = {}
    for name, t in header.items():
        b, e = t["data_offsets"]
        out[name] = np.frombuffer(body[b:e], dtype=DTYPES[t["dtype"]]).reshape(t["shape"]).copy()
    return out


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, a in tensors.items():
        a = np.ascontiguousarray(a)
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": NAMES[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def imgs(f):  # as torch_fmnist.py
    with gzip.open(D + f) as g: return np.frombuffer(g.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255


def labs(f):  # as torch_fmnist.py
    with gzip.open(D + f) as g: return np.frombuffer(g.read(), np.uint8, offset=8).astype(np.int64)


def state(m):
    return {k: v.detach().numpy().copy() for k, v in m.state_dict().items()}


def train(c4j, out, perturb):
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2"))); torch.manual_seed(0)
    os.makedirs(out, exist_ok=True)
    info = json.load(open(os.path.join(c4j, "result.json")))
    ntr, nte = info["train_size"], info["test_size"]
    xtr, ytr = torch.tensor(imgs("train-images-idx3-ubyte.gz")[:ntr]), torch.tensor(labs("train-labels-idx1-ubyte.gz")[:ntr])
    xte, yte = torch.tensor(imgs("t10k-images-idx3-ubyte.gz")[:nte]), torch.tensor(labs("t10k-labels-idx1-ubyte.gz")[:nte])
    m = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    init = read_safetensors(os.path.join(c4j, "init.safetensors"))
    if perturb:
        init = {k: np.nextafter(v, np.float32(np.inf)).astype(np.float32) for k, v in init.items()}
    assert sorted(init) == sorted(m.state_dict()), (sorted(init), sorted(m.state_dict()))
    m.load_state_dict({k: torch.from_numpy(v) for k, v in init.items()})
    orders = read_safetensors(os.path.join(c4j, "order.safetensors"))
    opt = torch.optim.Adam(m.parameters(), 1e-3); lossf = nn.CrossEntropyLoss()
    losses, accs, step = [], [], 0
    for ep in range(info["epochs"]):
        t = time.perf_counter(); perm = torch.from_numpy(orders[f"epoch{ep + 1}"]); m.train()
        assert len(perm) == ntr
        for i in range(0, ntr, 64):
            idx = perm[i:i+64]; opt.zero_grad(); l = lossf(m(xtr[idx]), ytr[idx]); l.backward(); opt.step()
            losses.append(l.item()); step += 1
            if step == 1: write_safetensors(os.path.join(out, "step1.safetensors"), state(m))
        tt = time.perf_counter() - t
        m.eval()
        with torch.no_grad():
            pred = torch.cat([m(xte[i:i+1000]).argmax(1) for i in range(0, nte, 1000)])
        accs.append((pred == yte).float().mean().item())
        print(f"torch{' (init +1 ulp)' if perturb else ''}: epoch {ep+1}\ttrain_s {tt:.1f}\ttest_acc {accs[-1]:.4f}", flush=True)
    write_safetensors(os.path.join(out, "final.safetensors"), state(m))
    write_safetensors(os.path.join(out, "losses.safetensors"), {"loss": np.array(losses, np.float64)})
    r = {"framework": "torch " + torch.__version__, "seed": info["seed"], "perturb_ulp": perturb, "epochs": info["epochs"],
         "train_size": ntr, "test_size": nte, "threads": torch.get_num_threads(), "init_and_order_from": os.path.abspath(c4j),
         "test_acc": accs}
    with open(os.path.join(out, "result.json"), "w") as f: json.dump(r, f); f.write("\n")


def load_run(d):
    r = json.load(open(os.path.join(d, "result.json")))
    r["step1"] = read_safetensors(os.path.join(d, "step1.safetensors"))
    r["final"] = read_safetensors(os.path.join(d, "final.safetensors"))
    r["loss"] = read_safetensors(os.path.join(d, "losses.safetensors"))["loss"]
    return r


def first_step_above(a, b, rel):
    d = np.abs(a - b) / np.maximum(np.abs(b), 1e-12)
    i = np.nonzero(d > rel)[0]
    return str(i[0] + 1) if len(i) else "never"


def compare(dirs):
    runs = [(d, load_run(d)) for d in dirs]
    ref_dir, ref = runs[0]
    ne = max(len(r["test_acc"]) for _, r in runs)
    print(f"reference trajectory: {ref_dir}")
    head = "| run | " + " | ".join(f"epoch {e+1} test acc" for e in range(ne)) + \
           " | max abs weight diff after step 1 (/ max abs weight) | first step loss differs >1% | >10% | final weights rel. L2 distance |"
    print(head)
    print("|" + " --- |" * (head.count("|") - 1))
    for d, r in runs:
        name = r["framework"].split()[0] + (" init +1 ulp" if r["perturb_ulp"] else "") + f" ({os.path.basename(os.path.normpath(d))})"
        accs = " | ".join(f"{100*a:.2f}%" for a in r["test_acc"])
        if r is ref:
            print(f"| {name} | {accs} | (reference) | | | |")
            continue
        w1 = max(np.abs(r["step1"][k] - ref["step1"][k]).max() for k in ref["step1"])
        wmax = max(np.abs(v).max() for v in ref["step1"].values())
        num = np.sqrt(sum(((r["final"][k].astype(np.float64) - ref["final"][k]) ** 2).sum() for k in ref["final"]))
        den = np.sqrt(sum((ref["final"][k].astype(np.float64) ** 2).sum() for k in ref["final"]))
        n = min(len(r["loss"]), len(ref["loss"]))
        print(f"| {name} | {accs} | {w1:.2e} ({w1/wmax:.1e}) | {first_step_above(r['loss'][:n], ref['loss'][:n], 0.01)} | "
              f"{first_step_above(r['loss'][:n], ref['loss'][:n], 0.10)} | {num/den:.2e} |")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "train":
        train(sys.argv[2], sys.argv[3], "--perturb-ulp" in sys.argv[4:])
    elif len(sys.argv) >= 4 and sys.argv[1] == "compare":
        compare(sys.argv[2:])
    else:
        sys.exit(__doc__)

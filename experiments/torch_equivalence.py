"""The PyTorch half of the torch-equivalence experiment (docs/accuracy.md, issue #3).

`train`: repeats a conv4j run (written by TorchEquivalenceRun) in PyTorch with exactly its initial weights and its
data order, and otherwise exactly as ../shared/bench/torch_fmnist.py trains: the same nn.Sequential, Adam(lr 1e-3,
torch defaults), nn.CrossEntropyLoss (mean), batches of 64 taken from the epoch's order (the last one of 32 kept),
pixels / 255, test accuracy on the 10,000 test images in batches of 1000. Writes the same files conv4j wrote
(result.json, step1/final/losses.safetensors) so that `compare` can treat both alike, and grad1.safetensors: the
first step's gradient with the magnitude of its sums, for TorchEquivalenceRunTest's rounding bound.

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


def watch(m):
    """Keeps each Conv2d's and Linear's input and output gradient of the next forward/backward, then unhooks."""
    seen, handles = {}, []
    def hook(name):
        def keep(mod, inp, outp):
            seen[name] = [inp[0].detach(), None]
            outp.register_hook(lambda g: seen[name].__setitem__(1, g.detach()))
            handles.pop().remove()
        return keep
    for name, mod in m.named_children():
        if isinstance(mod, (nn.Conv2d, nn.Linear)): handles.append(mod.register_forward_hook(hook(name)))
    handles.reverse()   # each hook removes itself; popped from the end in forward order
    return seen


def gradient_sums(m, seen):
    """Step 1's gradient as torch computed it (NAME, F32) and what bounds its rounding (TorchEquivalenceRunTest).

    NAME.abs: per element, the gradient's sum taken over magnitudes (F64), each factor replaced by the magnitude
    of the sum that computed it, which bounds its rounding: a layer's input by the previous layer's sum of
    |weight·input| + |bias|, max-pooled and not clamped by the ReLU (a pre-activation rounded across 0 gives
    the ReLU's output an error of that size, where torch's is exactly 0), an output gradient by the next
    layer's sum of |weight·gradient|, through every ReLU gate that is open or within rounding of opening and to
    every cell within rounding of its max-pool window's maximum (where the two runs may choose differently).
    NAME.terms: the number of terms of that sum (conv: N·OH·OW, linear: N). "chain": the summed lengths of every
    other sum on the way (each layer's forward dot product and its backward input-gradient sum, and the softmax's
    over the classes), whose rounding the terms inherit."""
    import torch.nn.functional as F
    mods = list(m.named_children())
    chain = seen[mods[-1][0]][1].shape[1]
    for _, mod in mods:
        if isinstance(mod, nn.Conv2d):
            k = mod.kernel_size[0] * mod.kernel_size[1]
            chain += mod.in_channels // mod.groups * k + 1 + mod.out_channels // mod.groups * k
        elif isinstance(mod, nn.Linear):
            chain += mod.in_features + 1 + mod.out_features
    slack = 2 * chain * 2.0 ** -24   # the relative rounding either side's value of a sum may carry, to first order
    a, abar = seen[mods[0][0]][0].double(), seen[mods[0][0]][0].double().abs()
    xbar, saved = {}, {}
    with torch.no_grad():
        for name, mod in mods:   # forward: the real activations for the gates, the magnitudes for the bounds
            if isinstance(mod, (nn.Conv2d, nn.Linear)):
                w, b = mod.weight.double(), mod.bias.double()
                xbar[name] = abar
                if isinstance(mod, nn.Conv2d):
                    conv = lambda t, w, b: F.conv2d(t, w, b, mod.stride, mod.padding, mod.dilation)
                    a, abar = conv(a, w, b), conv(a.abs(), w.abs(), b.abs())
                else:
                    a, abar = F.linear(a, w, b), F.linear(a.abs(), w.abs(), b.abs())
            elif isinstance(mod, nn.ReLU):
                saved[name] = a > -slack * abar   # open, or within rounding of opening on the other side
                a = F.relu(a)
            elif isinstance(mod, nn.MaxPool2d):
                k = mod.kernel_size
                if mod.stride != k or mod.padding != 0 or mod.dilation != 1 or mod.ceil_mode:
                    raise ValueError(f"magnitudes need non-overlapping pooling windows, not {mod}")
                top = F.max_pool2d(a, k)   # every cell within rounding of its window's maximum may be the one chosen
                h, w = top.shape[2] * k, top.shape[3] * k
                near = top.repeat_interleave(k, 2).repeat_interleave(k, 3) - slack * F.max_pool2d(abar, k).repeat_interleave(k, 2).repeat_interleave(k, 3)
                saved[name] = (a.shape, a[:, :, :h, :w] >= near, k)
                a, abar = top, F.max_pool2d(abar, k)
            elif isinstance(mod, nn.Flatten):
                saved[name] = a.shape
                a, abar = a.flatten(1), abar.flatten(1)
            else:
                raise ValueError(f"no magnitude rule for {mod}")
        dbar = seen[mods[-1][0]][1].double().abs()
        out = {}
        for name, mod in reversed(mods):   # backward: magnitudes through torch's own gates
            if isinstance(mod, (nn.Conv2d, nn.Linear)):
                wa, x, dbar_out = mod.weight.double().abs(), xbar[name], dbar
                if isinstance(mod, nn.Conv2d):
                    w_abs = torch.nn.grad.conv2d_weight(x, wa.shape, dbar, mod.stride, mod.padding, mod.dilation)
                    b_abs, terms = dbar.sum((0, 2, 3)), dbar.shape[0] * dbar.shape[2] * dbar.shape[3]
                    dbar = torch.nn.grad.conv2d_input(x.shape, wa, seen[name][1].double().abs(), mod.stride, mod.padding, mod.dilation)
                else:
                    w_abs, b_abs, terms = dbar.t() @ x, dbar.sum(0), dbar.shape[0]
                    dbar = seen[name][1].double().abs() @ wa
                for p, v in (("weight", w_abs), ("bias", b_abs)):
                    out[f"{name}.{p}"] = getattr(mod, p).grad.detach().numpy().copy()
                    out[f"{name}.{p}.abs"] = v.numpy().copy()
                    out[f"{name}.{p}.terms"] = np.array([terms], np.int64)
                if isinstance(mod, nn.Conv2d) and winograd_shaped(mod):
                    s_fc, tiles = winograd_norms(x, dbar_out, mod.padding)
                    out[f"{name}.weight.tiles"] = s_fc[:, :, None, None].expand(wa.shape).numpy().copy()
                    out[f"{name}.weight.tilecount"] = np.array([tiles], np.int64)
            elif isinstance(mod, nn.ReLU):
                dbar = dbar * saved[name]
            elif isinstance(mod, nn.MaxPool2d):
                shape, near, k = saved[name]
                up = torch.zeros(shape, dtype=dbar.dtype)
                up[:, :, :near.shape[2], :near.shape[3]] = dbar.repeat_interleave(k, 2).repeat_interleave(k, 3) * near
                dbar = up
            elif isinstance(mod, nn.Flatten):
                dbar = dbar.reshape(saved[name])
    out["chain"] = np.array([chain], np.int64)
    return out


def winograd_shaped(mod):
    """Whether conv4j may take this convolution's dW in the Winograd domain (WinogradConv.supports)."""
    return (mod.kernel_size == (3, 3) and mod.stride == (1, 1) and mod.dilation == (1, 1) and mod.groups == 1
            and max(mod.padding) <= 2)


def winograd_norms(x, dy, padding):
    """WinogradWeightGrad's error bound is 16·(T + 16)·u·S[f, c] with S[f, c] = Σ_t ‖x_(c,t)‖₁·‖dY_(f,t)‖₁ over the
    T tiles of the batch (the 4×4 input and 2×2 output of each tile): returns S [F, C] and T."""
    import torch.nn.functional as F
    oh, ow = dy.shape[2], dy.shape[3]
    th, tw = (oh + 1) // 2, (ow + 1) // 2
    ph, pw = padding
    xp = F.pad(x, (pw, 2 * tw + 2 - x.shape[3] - pw, ph, 2 * th + 2 - x.shape[2] - ph))   # x from row −pad, zeros past
    d = F.avg_pool2d(xp, 4, 2) * 16                                          # [N, C, th, tw]
    y = F.avg_pool2d(F.pad(dy, (0, 2 * tw - ow, 0, 2 * th - oh)), 2, 2) * 4  # [N, F, th, tw]
    return torch.einsum("ncij,nfij->fc", d, y), x.shape[0] * th * tw


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
            idx = perm[i:i+64]; opt.zero_grad()
            seen = watch(m) if step == 0 else None
            l = lossf(m(xtr[idx]), ytr[idx]); l.backward()
            if seen is not None: write_safetensors(os.path.join(out, "grad1.safetensors"), gradient_sums(m, seen))
            opt.step()
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

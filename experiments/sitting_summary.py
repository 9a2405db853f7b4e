"""Tables of one experiments/sitting.sh run, for BENCHMARKS.md: every issue #4 target, conv4j beside the
other side from the same sitting. Usage: python3 experiments/sitting_summary.py OUT_DIR
Ratios are conv4j / other: below 1.0 means conv4j takes less time; for rates (GFLOP/s, img/s) the ratio is
conv4j's rate over the other's, so above 1.0 means conv4j is faster."""
import csv, os, re, sys

out = sys.argv[1]
LARGE = ("cifar-c3", "res-c128")


def path(name):
    return os.path.join(out, name)


def conv_rows(name):
    """shape -> (fwd_ms, fwdbwd_ms) from a torch_conv_bench.py or conv4j bench output."""
    rows = {}
    if not os.path.exists(path(name)):
        return rows
    for line in open(path(name)):
        f = line.split("\t")
        if len(f) >= 5 and not line.startswith("#"):
            try:
                rows[f[0]] = (float(f[1]), float(f[3]))
            except ValueError:
                pass
    return rows


def sgemm_rows(name):
    """n -> GFLOP/s from an openblas_sgemm.py output or the sgemm section of conv4j bench."""
    rows, section = {}, name.startswith("openblas")
    if not os.path.exists(path(name)):
        return rows
    for line in open(path(name)):
        if line.startswith("# sgemm"):
            section = True
        elif line.startswith("# inference"):
            section = False
        f = line.split()
        if section and len(f) == 3 and f[0].isdigit():
            rows[int(f[0])] = float(f[2])
    return rows


def inference(name):
    if not os.path.exists(path(name)):
        return None
    for line in open(path(name)):
        if line.startswith("reference\t"):
            return float(line.split("\t")[4])
    return None


def fmt(xs, d=2):
    return ", ".join(f"{x:.{d}f}" for x in xs)


runs2 = [("sitting 1", "torch-conv-t2-r1.tsv", "conv4j-bench-t2-r1.txt"),
         ("sitting 2", "torch-conv-t2-r2.tsv", "conv4j-bench-t2-r2.txt")]
torch2 = [conv_rows(t) for _, t, _ in runs2]
conv2 = [conv_rows(c) for _, _, c in runs2]
for r in (1, 2):  # compare_conv.sh: shape torch_fwd conv4j_fwd torch_fwdbwd conv4j_fwdbwd ratio
    t, c = {}, {}
    if os.path.exists(path(f"compare-r{r}.tsv")):
        for line in open(path(f"compare-r{r}.tsv")):
            f = line.split("\t")
            try:
                t[f[0]] = (float(f[1]), float(f[3]))
                c[f[0]] = (float(f[2]), float(f[4]))
            except (ValueError, IndexError):
                pass
    torch2.append(t)
    conv2.append(c)
torch1 = [conv_rows(f"torch-conv-t1-r{r}.tsv") for r in (1, 2)]
conv1 = [conv_rows(f"conv4j-bench-t1-r{r}.txt") for r in (1, 2)]


def best(runs, shape):
    xs = [r[shape][1] for r in runs if shape in r]
    return min(xs) if xs else float("nan")


shapes = list(torch2[0].keys())
print("## Conv2d forward + backward (ms): 2 threads best of four runs per side, 1 thread best of two\n")
print("| shape | torch 2 thr | conv4j 2 thr | ratio | torch 1 thr | conv4j 1 thr | ratio 1 thr | conv4j 1 → 2 |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for s in shapes:
    t2, c2, t1, c1 = best(torch2, s), best(conv2, s), best(torch1, s), best(conv1, s)
    print(f"| {s} | {t2:.2f} | {c2:.2f} | **{c2 / t2:.2f}** | {t1:.2f} | {c1:.2f} | {c1 / t1:.2f} | {c1 / c2:.2f}× |")
print("\nEvery 2-thread run in run order (torch / conv4j, ms); a pair is a torch run and the conv4j run after it:\n")
print("| shape | torch | conv4j | pairs |")
print("| --- | --- | --- | --- |")
for s in shapes:
    ts = [r[s][1] for r in torch2 if s in r]
    cs = [r[s][1] for r in conv2 if s in r]
    print(f"| {s} | {fmt(ts)} | {fmt(cs)} | {fmt([c / t for t, c in zip(ts, cs)])} |")

print("\n## 1 → 2 threads, conv4j fwd+bwd (target ≥ 1.8× on large shapes)\n")
for s in LARGE:
    c1 = best(conv1, s)
    print(f"- {s}: 1 thread {fmt([r[s][1] for r in conv1 if s in r])} ms; 2 threads sitting runs "
          f"{fmt([r[s][1] for r in conv2[:2] if s in r])}, compare_conv runs {fmt([r[s][1] for r in conv2[2:] if s in r])}; "
          f"best to best {c1 / best(conv2[:2], s):.2f}× (sitting runs), {c1 / best(conv2, s):.2f}× (all four)")

for r in (1, 2):
    if os.path.exists(path(f"conv4j-scaling-r{r}.txt")):
        rows = [l.split("\t") for l in open(path(f"conv4j-scaling-r{r}.txt")) if l.split("\t")[0] in LARGE and l.split("\t")[1].isdigit()]
        print(f"- `bench --scaling` run {r} (alternating in one JVM): "
              + "; ".join(f"{f[0]} {f[2]} → {f[3]} ms, **{f[4].strip()}×**" for f in rows))

print("\n## sgemm GFLOP/s (target ≥ 0.75× OpenBLAS at n = 1024–2048)\n")
for T in (2, 1):
    ob = sgemm_rows(f"openblas-t{T}.tsv")
    cj = [sgemm_rows(f"conv4j-bench-t{T}-r{r}.txt") for r in (1, 2)]
    for n in (1024, 2048):
        xs = [c[n] for c in cj if n in c]
        if n in ob and xs:
            print(f"- {T} thread(s), n = {n}: conv4j {fmt(xs, 1)}, OpenBLAS {ob[n]:.1f}: "
                  f"{min(xs) / ob[n]:.2f}–{max(xs) / ob[n]:.2f}×")

print("\n## Reference CNN training, one Fashion-MNIST epoch (target ≤ 0.8× the faster of PyTorch and DJL)\n")


def torch_epochs(name):
    if not os.path.exists(path(name)):
        return []
    return [(float(m.group(1)), float(m.group(2)), float(m.group(3)))
            for m in re.finditer(r"train_s ([\d.]+).*?test_acc ([\d.]+)\tinfer_images_per_s (\d+)", open(path(name)).read())]


def conv4j_epochs(run):
    p = path(f"{run}/metrics.csv")
    return [(float(r["seconds"]), float(r["test_acc"])) for r in csv.DictReader(open(p))] if os.path.exists(p) else []


t2, t1 = torch_epochs("torch-fmnist-2.txt"), torch_epochs("torch-fmnist-1.txt")
c2, c1 = conv4j_epochs("run2"), conv4j_epochs("run1")
djl = []
if os.path.exists(path("djl-1.txt")):
    djl = [(float(a), float(b)) for a, b in re.findall(r"train ([\d.]+)s .*?test acc ([\d.]+)", open(path("djl-1.txt")).read())]
print(f"- conv4j 2-epoch run: {fmt([e[0] for e in c2])} s, test accuracy {fmt([e[1] for e in c2], 4)}; 1-epoch run: {fmt([e[0] for e in c1])} s")
print(f"- PyTorch 2-epoch run: {fmt([e[0] for e in t2])} s, test accuracy {fmt([e[1] for e in t2], 4)}; 1-epoch run: {fmt([e[0] for e in t1])} s")
print(f"- DJL 1-epoch run: {fmt([e[0] for e in djl])} s, test accuracy {fmt([e[1] for e in djl], 4)}")
if c2 and t2:
    ref = min([e[0] for e in t2 + t1] + [e[0] for e in djl])
    print(f"- ratios to the fastest other epoch ({ref:.2f} s): conv4j epochs "
          f"{fmt([e[0] / ref for e in c2 + c1])}")
rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(path("conv4j-train-2.txt")).read()) \
    if os.path.exists(path("conv4j-train-2.txt")) else None
if rss:
    print(f"- peak RSS of the conv4j 2-epoch process: {int(rss.group(1)):,} KiB")

print("\n## Inference, 10,000 test images in batches of 1000 (target ≥ PyTorch's img/s)\n")
inf = {T: [inference(f"conv4j-bench-t{T}-r{r}.txt") for r in (1, 2)] for T in (2, 1)}
print(f"- conv4j warm: 2 threads {fmt([x for x in inf[2] if x], 0)} img/s, 1 thread {fmt([x for x in inf[1] if x], 0)}")
print(f"- PyTorch (torch_fmnist.py, 2 threads): {fmt([e[2] for e in t2 + t1], 0)} img/s")


def layer_rows(name):
    """[(layer, shape, fwd_ms, fwdbwd_ms)] in file order from LayerTimes or torch_layers.py."""
    if not os.path.exists(path(name)):
        return []
    rows = []
    for line in open(path(name)):
        f = line.rstrip("\n").split("\t")
        if len(f) == 4 and f[0] != "layer":
            rows.append((f[0], f[1], float(f[2]), float(f[3])))
    return rows


lt = [layer_rows(f"torch-layers-r{r}.tsv") for r in (1, 2)]
lc = [layer_rows(f"conv4j-layers-r{r}.tsv") for r in (1, 2)]
if lt[0] and lc[0]:
    print("\n## Other layers, forward + backward (ms), 2 threads, two runs per side\n")
    print("| layer | shape | PyTorch | conv4j | conv4j / PyTorch |")
    print("| --- | --- | --- | --- | --- |")
    for i, (name, shape, _, _) in enumerate(lt[0]):
        ts = [r[i][3] for r in lt if i < len(r)]
        cs = [r[i][3] for r in lc if i < len(r)]
        print(f"| {name} | {shape} | {fmt(ts)} | {fmt(cs)} | {min(cs) / max(ts):.2f}–{max(cs) / min(ts):.2f} |")


def peak_rss(name):
    """Peak RSS in KiB from a /usr/bin/time -v output, or None."""
    if not os.path.exists(path(name)):
        return None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(path(name)).read())
    return int(m.group(1)) if m else None


torch_rss = peak_rss("torch-fmnist-2.time")
if torch_rss:
    print(f"\n- peak RSS of PyTorch's 2-epoch process: {torch_rss:,} KiB")

def forward_flops(model):
    """Forward FLOPs per image, from the sitting's `conv4j summary --model MODEL` output; None without it."""
    if not os.path.exists(path(f"summary-{model}.txt")):
        return None
    m = re.search(r"forward FLOPs per image: ([\d,]+)", open(path(f"summary-{model}.txt")).read())
    return int(m.group(1).replace(",", "")) if m else None


# A training epoch does about three forward passes' work.
FWD_FLOPS = {m: forward_flops(m) for m in ("reference", "recipe")}
ob2 = sgemm_rows("openblas-t2.tsv")
ob_rate = [ob2[n] for n in (1024, 2048) if n in ob2]


def flop_rate(model, seconds):
    return 3 * FWD_FLOPS[model] * 60_000 / seconds / 1e9


tr = [(float(a), float(b)) for a, b in re.findall(r"train_s ([\d.]+)\ttest_acc ([\d.]+)",
                                                   open(path("torch-recipe-1.txt")).read())] \
    if os.path.exists(path("torch-recipe-1.txt")) else []
cr = conv4j_epochs("recipe1")
if tr and cr:
    print("\n## recipe model, one epoch (target ≤ 0.6× PyTorch's epoch)\n")
    print(f"- PyTorch: {tr[0][0]:.1f} s, test accuracy {tr[0][1]:.4f}, peak RSS {peak_rss('torch-recipe-1.time') or 0:,} KiB")
    print(f"- conv4j: {cr[0][0]:.1f} s, test accuracy {cr[0][1]:.4f}, peak RSS {peak_rss('conv4j-recipe-1.txt') or 0:,} KiB")
    print(f"- **conv4j / PyTorch: {cr[0][0] / tr[0][0]:.2f}**")

t1e = conv4j_epochs("run2t1")
if t1e and c2:
    print("\n## Reference CNN epochs, 1 → 2 threads (target ≥ 1.8×; epoch 1 includes the JIT's warm-up)\n")
    for i, (one, two) in enumerate(zip(t1e, c2)):
        print(f"- epoch {i + 1}: 1 thread {one[0]:.2f} s, 2 threads {two[0]:.2f} s: **{one[0] / two[0]:.2f}×**"
              + ("" if one[1] != two[1] else " (the same test accuracy)"))

if ob_rate:
    print("\n## Useful FLOP rate of a training epoch (3 × forward FLOPs × 60,000 ÷ epoch time; target ≥ 0.7× "
          "OpenBLAS sgemm, 2 threads)\n")
    print(f"- OpenBLAS sgemm, 2 threads, n = 1024 / 2048: {fmt(ob_rate, 1)} GFLOP/s")
    for model, epochs in (("reference", [e[0] for e in c2 + c1]), ("recipe", [e[0] for e in cr])):
        if epochs and FWD_FLOPS[model]:
            rates = [flop_rate(model, s) for s in epochs]
            print(f"- {model}: epochs {fmt(epochs)} s → {fmt(rates, 1)} GFLOP/s: "
                  f"**{min(rates) / max(ob_rate):.2f}–{max(rates) / min(ob_rate):.2f}×** OpenBLAS")

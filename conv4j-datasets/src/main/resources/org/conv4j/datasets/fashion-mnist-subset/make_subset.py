#!/usr/bin/env python3
"""Makes the balanced Fashion-MNIST subset conv4j ships: 600 training and 100 test images per class
(6,000 + 1,000), chosen by a seeded permutation from Debian's dataset-fashion-mnist, kept in their
original order, written as gzipped IDX files under the standard names (gzip mtime 0, so the output
is byte-for-byte reproducible).

Usage: python3 make_subset.py [SOURCE_DIR]   (default /usr/share/datasets/fashion-mnist)
Writes into the directory of this script."""
import gzip, os, struct, sys
import numpy as np

SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
OUT = os.path.dirname(os.path.abspath(__file__))
PER_CLASS = {"train": 600, "t10k": 100}
SEED = 20250101


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, path
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(dims)


def write_idx(path, array):
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(header + np.ascontiguousarray(array, np.uint8).tobytes())


rng = np.random.default_rng(SEED)
for split, per_class in PER_CLASS.items():
    images = read_idx(os.path.join(SRC, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(SRC, f"{split}-labels-idx1-ubyte.gz"))
    chosen = []
    for c in range(10):
        members = np.flatnonzero(labels == c)
        chosen.append(rng.permutation(members)[:per_class])
    idx = np.sort(np.concatenate(chosen))
    write_idx(os.path.join(OUT, f"{split}-images-idx3-ubyte.gz"), images[idx])
    write_idx(os.path.join(OUT, f"{split}-labels-idx1-ubyte.gz"), labels[idx])
    print(split, len(idx), "images,", np.bincount(labels[idx], minlength=10).tolist(), "per class")

#!/usr/bin/python3
"""Seed inputs for LoaderFuzzTest: one small valid file per format and variant, so the fuzzer starts
from inputs that reach deep into each loader. Coverage-increasing inputs found by fuzzing runs are
added beside these (named by their SHA-1). Run with Debian's python3 (PIL): /usr/bin/python3 make_seeds.py"""
import gzip, io, os, struct
import numpy as np
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))


def put(method, name, data):
    os.makedirs(os.path.join(here, method), exist_ok=True)
    with open(os.path.join(here, method, name), "wb") as f:
        f.write(data)


def gz(data):
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as g:
        g.write(data)
    return out.getvalue()


# IDX: 2 images of 3x4, 3 labels
images = struct.pack(">HBBIII", 0, 8, 3, 2, 3, 4) + bytes(range(24))
labels = struct.pack(">HBBI", 0, 8, 1, 3) + bytes([0, 9, 4])
put("idx", "images.idx3", images)
put("idx", "images.idx3.gz", gz(images))
put("idx", "labels.idx1", labels)
put("idx", "labels.idx1.gz", gz(labels))

# CIFAR: one CIFAR-10 record (label 3) and one CIFAR-100 record (coarse 4, fine 77)
pixels = bytes((i * 7) % 256 for i in range(3072))
put("cifar", "cifar10.bin", bytes([3]) + pixels)
put("cifar", "cifar100.bin", bytes([4, 77]) + pixels)

rng = np.random.default_rng(3)
rgb = Image.fromarray(rng.integers(0, 256, (5, 7, 3), dtype=np.uint8), "RGB")


def save(img, fmt, **kw):
    out = io.BytesIO()
    img.save(out, fmt, **kw)
    return out.getvalue()


put("image", "rgb.png", save(rgb, "PNG"))
put("image", "grey.png", save(rgb.convert("L"), "PNG"))
put("image", "palette.png", save(rgb.convert("P"), "PNG"))
put("image", "rgba.png", save(rgb.convert("RGBA"), "PNG"))
put("image", "grey16.png", save(Image.fromarray((np.arange(35).reshape(5, 7) * 1000).astype(np.uint16)), "PNG"))
put("image", "baseline.jpg", save(rgb, "JPEG", quality=80))
put("image", "progressive.jpg", save(rgb, "JPEG", quality=80, progressive=True))
put("image", "grey.jpg", save(rgb.convert("L"), "JPEG"))
put("image", "rgb.bmp", save(rgb, "BMP"))
put("image", "palette.bmp", save(rgb.convert("P"), "BMP"))

# DataLoader state: epoch 1, position 2, order [2, 0, 1], seed 42, Rng state 6 words
state = struct.pack("<IiiIq", 0x434A4C31, 1, 2, 3, 42) + struct.pack("<iii", 2, 0, 1) + struct.pack("<6q", 1, 2, 3, 4, 0, 0)
put("loaderState", "state.bin", state)

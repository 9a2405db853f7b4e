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

# NPY: small arrays of each dtype numpy writes and conv4j reads, plus the versions 2.0 and 3.0 headers
buf = io.BytesIO(); np.save(buf, np.arange(24, dtype=np.float32).reshape(2, 3, 4)); put("npy", "f32_2x3x4.npy", buf.getvalue())
buf = io.BytesIO(); np.save(buf, np.arange(6, dtype=np.float64)); put("npy", "f64_6.npy", buf.getvalue())
buf = io.BytesIO(); np.save(buf, np.arange(6, dtype=np.uint8).reshape(2, 3)); put("npy", "u8_2x3.npy", buf.getvalue())
buf = io.BytesIO(); np.save(buf, np.arange(4, dtype=np.int64)); put("npy", "i64_4.npy", buf.getvalue())
buf = io.BytesIO(); np.lib.format.write_array(buf, np.ones((2, 2), np.float32), version=(2, 0)); put("npy", "v2.npy", buf.getvalue())
buf = io.BytesIO(); np.lib.format.write_array(buf, np.ones((1,), np.float32), version=(3, 0)); put("npy", "v3.npy", buf.getvalue())


# safetensors: 8-byte little-endian header length, JSON header, data (the published format)
def safetensors(tensors, metadata=None):
    import json
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for name, (dtype, arr) in tensors.items():
        raw = np.ascontiguousarray(arr).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


put("safetensors", "two.safetensors", safetensors(
    {"conv.weight": ("F32", np.ones((2, 1, 3, 3), np.float32)), "conv.bias": ("F32", np.zeros(2, np.float32))},
    {"format": "conv4j-model", "version": "1"}))
put("safetensors", "dtypes.safetensors", safetensors(
    {"a": ("F64", np.ones(3)), "b": ("I64", np.arange(2, dtype=np.int64)), "c": ("U8", np.arange(3, dtype=np.uint8))}))
put("safetensors", "empty.safetensors", safetensors({}))

# Network specs: a tiny CNN (8x8 input) and one with batchnorm and padding
tiny = """{"format": "conv4j-network", "version": 1, "name": "tiny", "input": [1, 8, 8], "classes": 3,
 "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 2, "kernel_size": 3},
  {"type": "ReLU"}, {"type": "MaxPool2d", "kernel_size": 2}, {"type": "Flatten"},
  {"type": "Linear", "in_features": 18, "out_features": 3}]}"""
put("networkSpec", "tiny.json", tiny.encode())
bn = """{"format": "conv4j-network", "version": 1, "input": [3, 6, 6], "classes": 2,
 "normalize": {"mean": [0.5], "std": [0.25]}, "init": "kaiming_normal",
 "layers": [{"type": "Conv2d", "in_channels": 3, "out_channels": 4, "kernel_size": 3, "padding": 1, "bias": false},
  {"type": "BatchNorm2d", "num_features": 4}, {"type": "LeakyReLU", "negative_slope": 0.1},
  {"type": "AvgPool2d", "kernel_size": 2}, {"type": "Flatten"}, {"type": "Dropout", "p": 0.5},
  {"type": "Linear", "in_features": 36, "out_features": 2}]}"""
put("networkSpec", "batchnorm.json", bn.encode())

# YAML network specs: the two specs above in YAML, and one of each construct the reader supports or refuses
put("yamlSpec", "tiny.yaml", b"""# tiny
name: tiny
input: [1, 8, 8]
classes: 3
layers:
- {type: Conv2d, in_channels: 1, out_channels: 2, kernel_size: 3}
- type: ReLU
- type: MaxPool2d
  kernel_size: 2
- {type: Flatten}
- {type: Linear, in_features: 18, out_features: 3}
""")
put("yamlSpec", "batchnorm.yaml", b"""%YAML 1.2
---
format: 'conv4j-network'
version: 1
input: [3, 6, 6]
classes: 2
normalize: {mean: [.5], std: [2.5e-1]}
init: "kaiming_normal"
layers:
  - type: Conv2d
    in_channels: 3
    out_channels: 4
    kernel_size: [3, 3]
    padding: 1
    bias: false
  - {type: BatchNorm2d, num_features: 4}
  - {type: LeakyReLU, negative_slope: 0.1}
  - {type: AvgPool2d, kernel_size: 2}
  - {type: Flatten}
  - {type: Dropout, p: 0.5}
  - {type: Linear, in_features: 36, out_features: 2}
...
""")
put("yamlSpec", "residual.yaml", b"""input: [1, 4, 4]
classes: 2
class_names: ["a\\tb", 'it''s']
layers: [
  {type: Residual,
   block: [{type: Conv2d, in_channels: 1, out_channels: 2, kernel_size: 3, padding: same}],
   shortcut: [{type: Conv2d, in_channels: 1, out_channels: 2, kernel_size: 1}]},  # projection
  {type: GlobalAvgPool2d}, {type: Flatten},
  {type: Linear, in_features: 2, out_features: 2},
]
""")
put("yamlSpec", "scalars.yaml", b"""a: [~, null, true, False, 0x1F, 0o17, +5, -.5e3, 1., yes, "\\u00e9\\x41\\U0001F600"]
b:
  - - 1
    - 2
  -
  - c: d
    e:
""")
put("yamlSpec", "refused.yaml", b"""base: &b {a: 1}
other: *b
tagged: !!str x
<<: {m: 1}
text: |
  block
""")

# modelFile/tiny.safetensors and modelFile/batchnorm.safetensors are conv4j model files: ModelFile.save of
# the two specs above built with seed 1 (made in Java, as Python has no conv4j).

#!/usr/bin/env python3
"""Exports torchvision 0.14 classification models to ONNX for conv4j's import/export tests.

    torchvision_onnx.py export OUT_DIR NAME...   writes OUT_DIR/NAME.onnx, NAME_input.npy, NAME_output.npy
    torchvision_onnx.py check FILE...            runs onnx.checker (full check) on each file
    torchvision_onnx.py names                    prints the model names this script knows, one a line

Each model is built with torch.manual_seed(0): torchvision's own random initialisation, then every batch
norm gets random running statistics (mean ~ N(0, 0.1^2), var ~ U[0.5, 2]) and random affine parameters
(weight ~ U[0.5, 1.5], bias ~ N(0, 0.1^2)), so an importer that ignores or swaps them is caught. The model
is exported in eval mode with torch.onnx.export at opset 13 and a symbolic batch dimension, and run by
torch on a random input batch of 2; conv4j's result must match that output.

A failure for one name is printed as "FAIL name: reason" on stdout and the others still run; the exit
status is 0 when every name worked. Stdout has one "OK name seconds" or "FAIL ..." line per name.
"""
import os
import sys
import time

import numpy as np


# name -> (constructor keyword arguments, input height = width). The smallest member of each family, with the
# smallest input the architecture accepts, keeps the tests fast; VGG and AlexNet pool adaptively to 7x7 / 6x6,
# which ONNX export can only write when the feature map already has that size, so they take 224x224.
MODELS = {
    "resnet18": ({}, 64),
    "resnext50_32x4d": ({}, 64),
    "wide_resnet50_2": ({}, 64),
    "vgg11": ({}, 224),
    "vgg11_bn": ({}, 224),
    "alexnet": ({}, 224),
    "squeezenet1_0": ({}, 64),
    "squeezenet1_1": ({}, 64),
    "densenet121": ({}, 64),
    "googlenet": ({"aux_logits": False, "init_weights": True}, 64),
    "inception_v3": ({"aux_logits": False, "init_weights": True}, 75),
    "mobilenet_v2": ({}, 64),
    "mobilenet_v3_small": ({}, 64),
    "mobilenet_v3_large": ({}, 64),
    "mnasnet0_5": ({}, 64),
    "shufflenet_v2_x0_5": ({}, 64),
    "efficientnet_b0": ({}, 64),
    "regnet_x_400mf": ({}, 64),
    "regnet_y_400mf": ({}, 64),
    "convnext_tiny": ({}, 64),
}

BATCH = 2


def randomise_norms(model, torch):
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            c = m.num_features
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(c) * 0.1)
                m.running_var.copy_(torch.rand(c) * 1.5 + 0.5)
                if m.weight is not None:
                    m.weight.copy_(torch.rand(c) + 0.5)
                    m.bias.copy_(torch.randn(c) * 0.1)


def export(out_dir, name):
    import torch
    import torchvision
    kwargs, size = MODELS[name]
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None, **kwargs)
    randomise_norms(model, torch)
    model.eval()
    x = torch.randn(BATCH, 3, size, size)
    with torch.no_grad():
        y = model(x)
    path = os.path.join(out_dir, name + ".onnx")
    torch.onnx.export(model, x, path, opset_version=13, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})
    np.save(os.path.join(out_dir, name + "_input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(out_dir, name + "_output.npy"), y.numpy().astype(np.float32))


def check(path):
    import onnx
    onnx.checker.check_model(path, full_check=True)


def main(argv):
    if len(argv) < 2 or argv[1] not in ("export", "check", "names"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "names":
        print("\n".join(MODELS))
        return 0
    ok = True
    if argv[1] == "export":
        out_dir, names = argv[2], argv[3:]
        os.makedirs(out_dir, exist_ok=True)
        for name in names:
            t = time.time()
            try:
                if name not in MODELS:
                    raise ValueError("unknown model; known: " + ", ".join(MODELS))
                export(out_dir, name)
                print("OK %s %.1f" % (name, time.time() - t), flush=True)
            except Exception as e:  # one model's failure must not hide the others
                ok = False
                print("FAIL %s: %s" % (name, str(e).replace("\n", " ")[:2000]), flush=True)
    else:
        for path in argv[2:]:
            try:
                check(path)
                print("OK " + path, flush=True)
            except Exception as e:
                ok = False
                print("FAIL %s: %s" % (path, str(e).replace("\n", " ")[:2000]), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

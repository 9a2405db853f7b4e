#!/usr/bin/env python3
"""Writes a tiny ResNet-like torch model as ONNX for FineTuneImportedTest.

    tiny_resnet_onnx.py OUT.onnx

A conv-BN-ReLU stem (stride 2), one torchvision BasicBlock (conv-BN-ReLU-conv-BN plus the identity, ReLU), an
Inception-style fork into a 1x1 and a 3x3 conv-BN-ReLU branch joined by concatenation (which makes conv4j import it as
a graph rather than a chain), a strided conv-BN-ReLU stage, global average pooling and a 10-class fc, on 3x32x32
input. Built with torch.manual_seed(0); every batch norm gets random running statistics and affine parameters, so a
fine-tune that moves them is caught. Exported in eval mode by torch.onnx.export at opset 13 with a symbolic batch;
TrainingMode.PRESERVE keeps the BatchNormalization nodes, which EVAL would fold into the convolutions.
"""
import sys

import torch
from torch import nn
from torchvision.models.resnet import BasicBlock


def conv_bn_relu(cin, cout, k, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Fork(nn.Module):
    def __init__(self):
        super().__init__()
        self.b1 = conv_bn_relu(8, 8, 1)
        self.b2 = conv_bn_relu(8, 8, 3)

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x)], 1)


class TinyResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = nn.Sequential(BasicBlock(8, 8))
        self.layer2 = Fork()
        self.layer3 = conv_bn_relu(16, 16, 3, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.relu(self.bn1(self.conv1(x))))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def main(out):
    torch.manual_seed(0)
    model = TinyResNet()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(c) * 0.1)
                m.running_var.copy_(torch.rand(c) * 1.5 + 0.5)
                m.weight.copy_(torch.rand(c) + 0.5)
                m.bias.copy_(torch.randn(c) * 0.1)
    model.eval()
    torch.onnx.export(model, torch.randn(2, 3, 32, 32), out, opset_version=13, do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})


if __name__ == "__main__":
    main(sys.argv[1])

# ResNet-18 from torchvision, ImageNet weights, as resnet18.onnx (usage: python3 export_resnet18.py)
import torch, torchvision
try:
    model = torchvision.models.resnet18(weights=torchvision.models.ResNet18_Weights.IMAGENET1K_V1)
except Exception as e:  # offline: the walk-through still runs, but starts from random weights
    print("could not download the ImageNet weights (%s); using random weights" % e.__class__.__name__)
    model = torchvision.models.resnet18(weights=None)
model.eval()
torch.onnx.export(model, torch.zeros(1, 3, 224, 224), "resnet18.onnx", opset_version=13,
                  input_names=["input"], output_names=["logits"], dynamic_axes={"input": {0: "batch"}})

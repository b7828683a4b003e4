"""The seed project's pipeline, for timing only: two ResNet50 graphs at 224x224x3 (body part, then fracture),
exported with our exporter. Untrained weights (torchvision's random init): never shipped, never used to predict.
    usage: make_seed_equivalent.py OUT_DIR   ->  OUT_DIR/resnet50/model.json + shards"""
import sys
from pathlib import Path

import torch
import torchvision

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "training"))
from tfjs_graph import Graph, fold_bn  # noqa: E402

torch.manual_seed(0)
net = torchvision.models.resnet50(num_classes=3).eval()
g = Graph("image", 224, 3)
x = g.conv("stem", "image", *fold_bn(net.conv1, net.bn1), stride=2, pad=3, relu=True)
x = g.max_pool("pool", x, 3, 2)
for li, layer in enumerate((net.layer1, net.layer2, net.layer3, net.layer4)):
    for bi, block in enumerate(layer):
        n = f"layer{li}/block{bi}"
        h = g.conv(f"{n}/c1", x, *fold_bn(block.conv1, block.bn1), stride=1, pad=0, relu=True)
        h = g.conv(f"{n}/c2", h, *fold_bn(block.conv2, block.bn2), stride=block.conv2.stride[0], pad=1, relu=True)
        h = g.conv(f"{n}/c3", h, *fold_bn(block.conv3, block.bn3), stride=1, pad=0, relu=False)
        skip = (g.conv(f"{n}/down", x, *fold_bn(block.downsample[0], block.downsample[1]),
                       stride=block.downsample[0].stride[0], pad=0, relu=False) if block.downsample else x)
        x = g.op(f"{n}/relu", "Relu", [g.op(f"{n}/add", "AddV2", [h, skip])])
pooled = g.mean_hw("pooled", x)
w = g.const("fc/weights", net.fc.weight.detach().t().contiguous().numpy())
b = g.const("fc/bias", net.fc.bias.detach().numpy())
g.op("logits", "AddV2", [g.op("fc", "MatMul", [pooled, w], transpose_a={"b": False}, transpose_b={"b": False}), b])
g.save(Path(sys.argv[1]) / "resnet50", {"logits": "logits"}, "none")
print(f"wrote {sys.argv[1]}/resnet50")

"""ImageNet-pretrained MobileNetV2 1.0 and MobileNetV1 0.5 / 0.75, ported from ../shared/pretrained/ (its README lists
what a faithful port needs), as BoneLens's backbone.

The .npz files hold TFLite's weights with batch norm folded in: a conv weight (OIHW; depthwise [C, 1, kH, kW]) and a
bias per layer, listed in graph order in layers.json. Each conv gets an identity batch norm after it (the bias in
`beta`) so it can be fine-tuned; `recalibrate_batchnorm` then sets every batch norm's running statistics from a batch
of radiographs with the eval-mode function unchanged. Padding is TensorFlow's SAME (a stride-2 3x3 conv on an even
input pads 0 before and 1 after), which the exporter writes as TF.js's `same`.
"""
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PRETRAINED = Path(__file__).resolve().parent.parent.parent / "shared" / "pretrained"
# backbone name -> the pretrained file's stem in ../shared/pretrained (its layers.json key)
BACKBONES = {"mobilenet_v2_1.0": "mobilenet_v2_1.0_224", "mobilenet_v1_0.75": "mobilenet_v1_0.75_192",
             "mobilenet_v1_0.5": "mobilenet_v1_0.5_160"}
# the pretrained networks' input scaling, pixel / 127.5 - 1, as the manifest's (v/255 - mean) / std
MEAN, STD = 0.5, 0.5


def same_padding(size: int, kernel: int, stride: int):
    """TensorFlow's SAME: (before, after) padding of one spatial dimension."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class ConvBN(nn.Module):
    """conv (SAME padding, no bias) -> batch norm -> ReLU6 or nothing; depthwise when groups == channels."""
    def __init__(self, cin, cout, kernel, stride, depthwise, relu6):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride, 0, groups=cout if depthwise else 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.kernel, self.stride, self.depthwise, self.relu6 = kernel, stride, depthwise, relu6

    def forward(self, x):
        (top, bottom), (left, right) = (same_padding(n, self.kernel, self.stride) for n in x.shape[-2:])
        if top or bottom or left or right:
            x = F.pad(x, (left, right, top, bottom))
        x = self.bn(self.conv(x))
        return x.clamp(0, 6) if self.relu6 else x


def residual_blocks(layers):
    """MobileNetV2's inverted-residual shortcuts as {index of a block's last layer: index of the layer whose output is
    the block's input}: a block ends at each linear (no activation) 1x1 conv, and its input is added when its
    depthwise conv has stride 1 and the channels match. MobileNetV1 has no linear conv, hence no shortcut."""
    shortcuts, start = {}, 0                  # the stem (layer 0) is no block
    for i, layer in enumerate(layers):
        if layer["kind"] == "conv" and layer["activation"] == "none":
            block = layers[start + 1:i + 1]
            stride = max(l["stride"] for l in block)
            if stride == 1 and layer["shape"][0] == layers[start]["shape"][0]:
                shortcuts[i] = start
            start = i
    return shortcuts


class MobileNet(nn.Module):
    """A MobileNet backbone (every conv of layers.json) + global average pool + two linear heads, with the interface of
    model.RadiographNet: `features(x)`, `forward(x) -> (body-part logits, abnormality logit)`, `.bodypart`,
    `.abnormality`. With `classes` it is the ImageNet classifier instead (used to check the port)."""
    def __init__(self, name: str, num_parts: int = 0, in_channels: int = 1, dropout: float = 0.2, layers=None,
                 frozen_layers: int = 0):
        super().__init__()
        # `layers`: a layer list in layers.json's form instead of the named backbone's (small networks for tests)
        layers = layers or json.loads((PRETRAINED / "layers.json").read_text())["models"][BACKBONES[name]]["layers"]
        self.name, self.spec_layers = name, layers
        self.layers = nn.ModuleList()
        for i, l in enumerate(self.spec_layers):
            cout, cin_per_group, k, _ = l["shape"]
            depthwise = l["kind"] == "depthwise"
            cin = cout if depthwise else (in_channels if i == 0 else cin_per_group)
            self.layers.append(ConvBN(cin, cout, k, l["stride"], depthwise, l["activation"] == "relu6"))
        self.shortcuts = residual_blocks(self.spec_layers)
        self.shortcut_sources = set(self.shortcuts.values())
        self.frozen_layers = frozen_layers
        for layer in self.layers[:frozen_layers]:
            layer.requires_grad_(False)
        self.feature_channels = layers[-1]["shape"][0]
        self.dropout = nn.Dropout(dropout)
        if num_parts:
            self.bodypart = nn.Linear(self.feature_channels, num_parts)
            self.abnormality = nn.Linear(self.feature_channels, 1)

    def _layers(self, x, start: int, end: int):
        """Layers [start, end) with their shortcuts; `x` is the output of layer start - 1."""
        outputs = {start - 1: x}
        for i in range(start, end):
            x = self.layers[i](x)
            if i in self.shortcuts:
                x = x + outputs[self.shortcuts[i]]
            if i in self.shortcut_sources:
                outputs[i] = x
        return x

    def features(self, x, start: int = 0):
        """The last layer's feature map; `start` > 0: `x` is the output of layer start - 1 (a cached frozen trunk)."""
        return self._layers(x, start, len(self.layers))

    @torch.no_grad()
    def trunk(self, x, end: int):
        """The output of layers [0, end) in eval mode: what the frozen layers compute, cached once per view."""
        for layer in self.layers[:end]:
            layer.eval()
        return self._layers(x, 0, end)

    def train(self, mode: bool = True):
        super().train(mode)
        for layer in self.layers[:self.frozen_layers]:   # frozen layers keep their batch-norm statistics too
            layer.eval()
        return self

    def forward(self, x, start: int = 0):
        pooled = self.dropout(self.features(x, start).mean((2, 3)))
        return self.bodypart(pooled), self.abnormality(pooled)[:, 0]


@torch.no_grad()
def load_pretrained(model: MobileNet, folder: Path = PRETRAINED, classifier: nn.Linear = None):
    """Copy the ImageNet weights into `model`: each conv's folded weight, its bias as the identity batch norm's beta.
    A one-channel stem gets the RGB kernel summed over its input channels (the same function on three equal
    channels). `classifier`, when given, gets the ImageNet classifier."""
    weights = np.load(folder / f"{BACKBONES[model.name]}.npz")
    for i, layer in enumerate(model.layers):
        w = torch.from_numpy(weights[f"conv{i:02d}/weight"])
        if i == 0 and layer.conv.in_channels != w.shape[1]:
            w = w.sum(1, keepdim=True)
        layer.conv.weight.copy_(w)
        layer.bn.running_mean.zero_(), layer.bn.running_var.fill_(1 - layer.bn.eps), layer.bn.weight.fill_(1)
        layer.bn.bias.copy_(torch.from_numpy(weights[f"conv{i:02d}/bias"]))
    if classifier is not None:
        classifier.weight.copy_(torch.from_numpy(weights["classifier/weight"]))
        classifier.bias.copy_(torch.from_numpy(weights["classifier/bias"]))
    return model


@torch.no_grad()
def recalibrate_batchnorm(model: nn.Module, conv_bns, sample: torch.Tensor):
    """Batch norm recalibrated on radiographs without changing the function: each batch norm's running statistics
    become those of its conv's raw output on `sample` (what training-mode batch norm will see), and gamma / beta
    are set so that the eval-mode output stays what it was. `conv_bns`: (conv, bn) pairs."""
    stats, hooks = {}, []
    for k, (conv, _) in enumerate(conv_bns):
        hooks.append(conv.register_forward_hook(
            lambda m, i, out, k=k: stats.__setitem__(k, (out.mean((0, 2, 3)), out.var((0, 2, 3), unbiased=False)))))
    was_training = model.training
    model.eval()
    model(sample)
    model.train(was_training)
    for h in hooks:
        h.remove()
    for k, (_, bn) in enumerate(conv_bns):
        mean, var = stats[k]
        # eval output before: (out - m0) / sqrt(v0 + eps) * g0 + b0; keep it with the new running statistics
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        shift = bn.bias - bn.running_mean * scale
        bn.running_mean.copy_(mean), bn.running_var.copy_(var)
        bn.weight.copy_(scale * torch.sqrt(var + bn.eps))
        bn.bias.copy_(shift + mean * scale)


def conv_bn_pairs(model: MobileNet):
    return [(layer.conv, layer.bn) for layer in model.layers]


def imagenet_classifier(name: str, folder: Path = PRETRAINED):
    """The pretrained RGB network with its ImageNet classifier (1001 classes, 0 = background), eval mode."""
    net = MobileNet(name, in_channels=3)
    head = nn.Linear(net.feature_channels, 1001)
    load_pretrained(net, folder, head)
    return nn.Sequential(_Features(net), head).eval()


class _Features(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net.features(x).mean((2, 3))

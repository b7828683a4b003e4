"""A small residual CNN for grayscale radiographs: conv -> ... -> last conv -> global average pool -> linear.
Every layer is one the exporter maps to a TF.js op (conv+BN folded, ReLU, add, mean)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvBN(nn.Sequential):
    def __init__(self, cin, cout, stride=1, relu=True):
        super().__init__(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout))
        self.relu = relu

    def forward(self, x):
        x = super().forward(x)
        return F.relu(x) if self.relu else x


class Stage(nn.Module):
    """a (strided) conv, then a residual conv: y = relu(x + bn(conv(x)))."""
    def __init__(self, cin, cout, stride=2):
        super().__init__()
        self.down = ConvBN(cin, cout, stride)
        self.conv = ConvBN(cout, cout, 1, relu=False)

    def forward(self, x):
        x = self.down(x)
        return F.relu(x + self.conv(x))


class RadiographNet(nn.Module):
    """One backbone, two linear heads: body part (softmax over classes) and abnormality (one sigmoid logit).
    The last stage keeps stride 1 so the class-activation map is input/16 per side."""
    def __init__(self, num_parts: int, widths=(24, 32, 64, 96, 128)):
        super().__init__()
        self.stem = ConvBN(1, widths[0], 2)
        strides = [2] * (len(widths) - 2) + [1]
        self.stages = nn.Sequential(*[Stage(a, b, s) for a, b, s in zip(widths[:-1], widths[1:], strides)])
        self.dropout = nn.Dropout(0.2)
        self.bodypart = nn.Linear(widths[-1], num_parts)
        self.abnormality = nn.Linear(widths[-1], 1)

    def features(self, x):
        return self.stages(self.stem(x))

    def forward(self, x):
        pooled = self.dropout(self.features(x).mean((2, 3)))
        return self.bodypart(pooled), self.abnormality(pooled)[:, 0]


def cam(features, head: nn.Linear):
    """Class-activation maps [N, K, h, w] of a linear head; their spatial mean + bias equals its logits."""
    return torch.einsum("nchw,kc->nkhw", features, head.weight)


def conv_bns(model: RadiographNet):
    """The network's ConvBN layers under their exported names (training/tfjs_graph.py)."""
    layers = {"stem": model.stem}
    for i, stage in enumerate(model.stages):
        layers[f"stage{i}/down"], layers[f"stage{i}/conv"] = stage.down, stage.conv
    return layers


@torch.no_grad()
def init_from_export(model: RadiographNet, weights: dict, prefix: str, sample: torch.Tensor, head_names: dict):
    """Start `model` from an exported graph's weights (BN folded into conv + bias, calibration folded into each
    head): the backbone under `prefix`, and each head in `head_names` ({model attribute: exported head}) that
    the export has. Each batch norm is then set so that, on `sample`, it passes the folded conv's output
    through unchanged (its batch statistics are those of `sample`): training starts from the exported function."""
    layers = conv_bns(model)
    for name, layer in layers.items():
        conv, bn = layer[0], layer[1]
        conv.weight.copy_(torch.from_numpy(weights[f"{prefix}{name}/weights"]).permute(3, 2, 0, 1))
        bn.running_mean.zero_(), bn.running_var.fill_(1 - bn.eps), bn.weight.fill_(1)
        bn.bias.copy_(torch.from_numpy(weights[f"{prefix}{name}/bias"]))
    for attr, exported in head_names.items():
        head = getattr(model, attr)
        head.weight.copy_(torch.from_numpy(weights[f"{exported}/cam/weights"])[0, 0].T)
        bias = weights.get(f"{exported}/head/bias", weights.get(f"{exported}/bias"))  # repacked / export_network
        head.bias.copy_(torch.from_numpy(bias))
    # statistics of each conv's raw output under the exported function (eval mode = folded exactly)
    stats, hooks = {}, []
    for name, layer in layers.items():
        hooks.append(layer[0].register_forward_hook(
            lambda m, i, out, name=name: stats.__setitem__(name, (out.mean((0, 2, 3)), out.var((0, 2, 3))))))
    model.eval()
    model(sample)
    for h in hooks:
        h.remove()
    for name, layer in layers.items():
        bn, (mean, var) = layer[1], stats[name]
        bn.running_mean.copy_(mean), bn.running_var.copy_(var)
        bn.bias.add_(mean)
        bn.weight.copy_(torch.sqrt(var + bn.eps))


def build_model(cfg, num_parts: int):
    """The network a config names: the residual CNN, or a MobileNet (weights loaded separately)."""
    if cfg.backbone == "residual":
        return RadiographNet(num_parts, cfg.widths)
    from mobilenet import MobileNet
    return MobileNet(cfg.backbone, num_parts, frozen_layers=cfg.frozen_layers)


def feature_stride(model) -> int:
    """Input pixels per class-activation-map cell."""
    return 32 if hasattr(model, "shortcuts") else 16

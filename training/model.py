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

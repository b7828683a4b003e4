"""Write exporter test cases: each a small graph exported by our exporter from PyTorch modules with random
weights, a random input, and the output PyTorch itself computes. test/unit/exporter.test.ts loads every case
in TF.js and compares.   usage: make_op_cases.py OUT_DIR"""
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_op_cases_specs import TINY_V2  # noqa: E402
from mobilenet import ConvBN, MobileNet  # noqa: E402
from model import RadiographNet, cam  # noqa: E402
from tfjs_graph import Graph, export_network, fold_bn  # noqa: E402

torch.manual_seed(0)
out = Path(sys.argv[1])
cases = []


def randomise_bn(module):
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.3, 0.3)
    return module.eval()


def save(name, graph, outputs, x_nchw, expected, mode="none", tolerance=None):
    graph.save(out / name, {k: k for k in outputs}, mode)
    x = x_nchw.permute(0, 2, 3, 1).contiguous()
    (out / name / "input.bin").write_bytes(x.numpy().astype(np.float32).tobytes())
    exp = {k: v.permute(0, 2, 3, 1).contiguous() if v.dim() == 4 else v for k, v in expected.items()}
    cases.append({"name": name, "inputShape": list(x.shape), "quantization": mode,
                  "tolerance": tolerance or {"relative": 1e-4},
                  "expected": {k: {"shape": list(v.shape), "values": v.flatten().tolist()} for k, v in exp.items()}})


def single_conv(name, cin, cout, size, stride, relu, with_bn):
    conv = nn.Conv2d(cin, cout, 3, stride, 1, bias=not with_bn)
    layers = [conv] + ([randomise_bn(nn.BatchNorm2d(cout))] if with_bn else []) + ([nn.ReLU()] if relu else [])
    ref = nn.Sequential(*layers).eval()
    g = Graph("image", size, cin)
    w, b = fold_bn(conv, layers[1]) if with_bn else (conv.weight.detach(), conv.bias.detach())
    g.conv("y", "image", w, b, stride=stride, pad=1, relu=relu)
    x = torch.randn(1, cin, size, size)
    with torch.no_grad():
        save(name, g, ["y"], x, {"y": ref(x)})


single_conv("conv3x3_stride1_relu", 3, 8, 9, 1, True, False)
single_conv("conv3x3_stride2_even_input_padding", 2, 4, 8, 2, False, False)
single_conv("conv3x3_stride2_odd_input_padding", 2, 4, 9, 2, True, False)
single_conv("conv_batchnorm_folded", 4, 6, 10, 1, True, True)

# residual add + relu
a, b = nn.Conv2d(3, 5, 3, 1, 1), nn.Conv2d(5, 5, 3, 1, 1)
g = Graph("image", 7, 3)
ya = g.conv("a", "image", a.weight.detach(), a.bias.detach(), 1, 1, relu=True)
yb = g.conv("b", ya, b.weight.detach(), b.bias.detach(), 1, 1, relu=False)
g.op("y", "Relu", [g.op("sum", "AddV2", [ya, yb])])
x = torch.randn(1, 3, 7, 7)
with torch.no_grad():
    h = torch.relu(a(x))
    save("residual_add_relu", g, ["y"], x, {"y": torch.relu(h + b(h))})

# MobileNet's ops: TF's SAME padding (a stride-2 conv on an even input pads 0 before and 1 after), depthwise
# convolutions, ReLU6 (inputs scaled so that some outputs pass 6)
def same_conv(name, cin, cout, size, stride, depthwise, relu6):
    layer = randomise_bn(ConvBN(cin, cout, 3, stride, depthwise, relu6))
    g = Graph("image", size, cin)
    g.conv("y", "image", *fold_bn(layer.conv, layer.bn), stride=stride, pad="SAME",
           relu="relu6" if relu6 else False, depthwise=depthwise)
    x = torch.randn(1, cin, size, size) * 4
    with torch.no_grad():
        save(name, g, ["y"], x, {"y": layer(x)})


same_conv("conv3x3_same_stride2_even_input_relu6", 3, 6, 8, 2, False, True)
same_conv("depthwise3x3_same_stride1_relu6", 5, 5, 9, 1, True, True)
same_conv("depthwise3x3_same_stride2_even_input", 4, 4, 8, 2, True, False)
same_conv("depthwise3x3_same_stride2_odd_input_relu6", 4, 4, 9, 2, True, True)

# a small MobileNetV2 (inverted residuals: expand, depthwise, linear project, the input added at stride 1)
mobile = randomise_bn(MobileNet("tiny", 5, layers=TINY_V2))
assert mobile.shortcuts == {2: 0, 8: 5}
for size in (32, 33):
    x = torch.randn(1, 1, size, size)
    with torch.no_grad():
        feats = mobile.features(x)
        expected = {}
        for name in ("bodypart", "abnormality"):
            head = getattr(mobile, name)
            expected[f"{name}/logits"], expected[f"{name}/cam"] = head(feats.mean((2, 3))), cam(feats, head)
        for mode, tol in (("none", {"relative": 1e-4}), ("float16", {"probability": 0.02})):
            if size == 33 and mode != "none":
                continue
            g = export_network(mobile, size, {name: (getattr(mobile, name), 1.0, None) for name in ("bodypart", "abnormality")})
            save(f"mobilenet_v2_{size}px_{mode}", g, list(expected), x, expected, mode, tol)

# the whole network: one graph, the backbone once, both heads; float32, quantised and calibrated
net = randomise_bn(RadiographNet(5, (8, 8, 16, 16, 24)))
x = torch.randn(1, 1, 64, 64)
with torch.no_grad():
    feats = net.features(x)
    heads = {"bodypart": net.bodypart, "abnormality": net.abnormality}
    expected = {}
    for name, head in heads.items():
        expected[f"{name}/logits"], expected[f"{name}/cam"] = head(feats.mean((2, 3))), cam(feats, head)
    for mode, tol in (("none", {"relative": 1e-4}), ("float16", {"probability": 0.02}), ("uint8", {"probability": 0.05})):
        g = export_network(net, 64, {name: (head, 1.0, None) for name, head in heads.items()})
        save(f"network_{mode}", g, list(expected), x, expected, mode, tol)
    # calibration folding: logits * scale + shift, cam * scale
    shift = torch.linspace(-1, 1, 5)
    g = export_network(net, 64, {"bodypart": (net.bodypart, 0.5, shift), "abnormality": (net.abnormality, 2.0, [0.25])})
    save("network_calibrated", g, list(expected), x, {
        "bodypart/logits": expected["bodypart/logits"] * 0.5 + shift, "bodypart/cam": expected["bodypart/cam"] * 0.5,
        "abnormality/logits": expected["abnormality/logits"] * 2 + 0.25, "abnormality/cam": expected["abnormality/cam"] * 2})

(out / "cases.json").write_text(json.dumps(cases))
print(f"wrote {len(cases)} cases to {out}")

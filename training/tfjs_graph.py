"""Our PyTorch -> TF.js graph-model exporter.

A `Graph` is a list of TensorFlow GraphDef nodes (as TF.js's model.json expects them) plus named weights.
Batch norm is folded into the convolution before it; convolutions carry their bias and activation as a
fused `_FusedConv2D`; PyTorch's symmetric padding is written as explicit padding (TF's SAME pads
bottom/right first at stride 2, which would shift every feature map by half a pixel).

`Graph.run()` executes the same node list in PyTorch: it is the reference the parity tests compare
TF.js against, and it measures what weight quantisation costs before we pick one.
"""
import base64
import hashlib
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from mobilenet import MobileNet, same_padding


def _s(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def fold_bn(conv: torch.nn.Conv2d, bn: torch.nn.BatchNorm2d):
    """Conv weight/bias with the (eval-mode) batch norm after it folded in. Returns OIHW weight, bias."""
    scale = bn.weight.detach() / torch.sqrt(bn.running_var + bn.eps)
    weight = conv.weight.detach() * scale[:, None, None, None]
    bias = bn.bias.detach() - bn.running_mean * scale
    if conv.bias is not None:
        bias = bias + conv.bias.detach() * scale
    return weight, bias


class Graph:
    def __init__(self, input_name: str, size: int, channels: int):
        self.nodes, self.weights = [], {}
        self.input_name, self.size, self.channels = input_name, size, channels
        self.nodes.append({"name": input_name, "op": "Placeholder", "attr": {
            "dtype": {"type": "DT_FLOAT"},
            "shape": {"shape": {"dim": [{"size": "-1"}, {"size": str(size)}, {"size": str(size)},
                                        {"size": str(channels)}]}}}})

    def const(self, name, value: np.ndarray):
        dtype = "DT_INT32" if value.dtype == np.int32 else "DT_FLOAT"
        self.weights[name] = value.astype(np.int32 if dtype == "DT_INT32" else np.float32)
        self.nodes.append({"name": name, "op": "Const", "attr": {
            "dtype": {"type": dtype},
            "value": {"tensor": {"dtype": dtype, "tensorShape": {"dim": [{"size": str(d)} for d in value.shape]}}}}})
        return name

    def conv(self, name, x, weight_oihw: torch.Tensor, bias: torch.Tensor, stride: int, pad, relu,
             depthwise: bool = False):
        """A convolution with its bias and activation fused. `pad`: an int (explicit, symmetric: PyTorch's) or "SAME"
        (TensorFlow's: at stride 2 on an even input, 0 before and 1 after); `relu`: False, True / "relu" or "relu6".
        Depthwise: an OIHW weight [C, 1, kH, kW], written as TF's [kH, kW, C, 1]."""
        layout = (2, 3, 0, 1) if depthwise else (2, 3, 1, 0)
        w = self.const(f"{name}/weights", weight_oihw.detach().permute(*layout).contiguous().numpy())  # -> HWIO
        b = self.const(f"{name}/bias", bias.detach().numpy())
        activation = {False: None, None: None, True: "Relu", "relu": "Relu", "relu6": "Relu6"}[relu]
        fused = ["BiasAdd"] + ([activation] if activation else [])
        same = pad == "SAME"
        self.nodes.append({"name": name, "op": "FusedDepthwiseConv2dNative" if depthwise else "_FusedConv2D",
                           "input": [x, w, b], "attr": {
            "T": {"type": "DT_FLOAT"}, "num_args": {"i": "1"},
            "strides": {"list": {"i": ["1", str(stride), str(stride), "1"]}},
            "padding": {"s": _s("SAME" if same else "EXPLICIT" if pad else "VALID")},
            "explicit_paddings": {"list": {"i": [str(p) for p in ([0, 0, pad, pad, pad, pad, 0, 0]
                                                                  if pad and not same else [])]}},
            "data_format": {"s": _s("NHWC")},
            "dilations": {"list": {"i": ["1", "1", "1", "1"]}},
            "fused_ops": {"list": {"s": [_s(op) for op in fused]}},
            "epsilon": {"f": 0.0}, "use_cudnn_on_gpu": {"b": True}}})
        return name

    def op(self, name, op, inputs, **attr):
        self.nodes.append({"name": name, "op": op, "input": list(inputs), "attr": {"T": {"type": "DT_FLOAT"}, **attr}})
        return name

    def max_pool(self, name, x, size: int, stride: int):
        return self.op(name, "MaxPool", [x], ksize={"list": {"i": ["1", str(size), str(size), "1"]}},
                       strides={"list": {"i": ["1", str(stride), str(stride), "1"]}},
                       padding={"s": _s("SAME")}, data_format={"s": _s("NHWC")})

    def mean_hw(self, name, x):
        axes = self.const(f"{name}/axes", np.array([1, 2], np.int32))
        return self.op(name, "Mean", [x, axes], keep_dims={"b": False}, Tidx={"type": "DT_INT32"})

    # ------------------------------------------------------------ reference executor
    def run(self, x_nhwc: torch.Tensor, outputs, weights=None):
        """Execute the node list in PyTorch (NHWC in, like TF.js). `weights` overrides (e.g. dequantised)."""
        weights = weights or self.weights
        values = {self.input_name: x_nhwc.permute(0, 3, 1, 2)}  # work in NCHW internally
        for n in self.nodes[1:]:
            op, name = n["op"], n["name"]
            if op == "Const":
                values[name] = torch.from_numpy(weights[name])
            elif op in ("_FusedConv2D", "FusedDepthwiseConv2dNative"):
                x, w, b = (values[i] for i in n["input"])
                stride = int(n["attr"]["strides"]["list"]["i"][1])
                depthwise = op == "FusedDepthwiseConv2dNative"
                w = w.permute(2, 3, 0, 1) if depthwise else w.permute(3, 2, 0, 1)
                if base64.b64decode(n["attr"]["padding"]["s"]) == b"SAME":
                    (top, bottom), (left, right) = (same_padding(d, w.shape[-1], stride) for d in x.shape[-2:])
                    x, pad = F.pad(x, (left, right, top, bottom)), 0
                else:
                    pads = [int(p) for p in n["attr"]["explicit_paddings"]["list"]["i"]]
                    pad = pads[2] if pads else 0
                y = F.conv2d(x, w, b, stride=stride, padding=pad, groups=x.shape[1] if depthwise else 1)
                fused = [base64.b64decode(f).decode() for f in n["attr"]["fused_ops"]["list"]["s"]]
                values[name] = F.relu(y) if "Relu" in fused else y.clamp(0, 6) if "Relu6" in fused else y
            elif op == "AddV2":
                a, b = (values[i] for i in n["input"])
                values[name] = a + (b[None, :, None, None] if b.dim() == 1 and a.dim() == 4 else b)
            elif op == "Relu":
                values[name] = F.relu(values[n["input"][0]])
            elif op == "Mean":
                values[name] = values[n["input"][0]].mean((2, 3))
            elif op == "Identity":
                values[name] = values[n["input"][0]]
            else:
                raise ValueError(f"no reference for op {op}")
        return [values[o].permute(0, 2, 3, 1) if values[o].dim() == 4 else values[o] for o in outputs]

    # ------------------------------------------------------------ serialisation
    def quantised(self, mode: str):
        """(bytes per weight, dequantised weights, manifest specs) for mode none | float16 | uint8."""
        specs, chunks, deq = [], [], {}
        for name, w in self.weights.items():
            spec = {"name": name, "shape": list(w.shape), "dtype": "int32" if w.dtype == np.int32 else "float32"}
            if w.dtype == np.int32 or mode == "none":
                chunks.append(w.tobytes())
                deq[name] = w
            elif mode == "float16":
                h = w.astype(np.float16)
                chunks.append(h.tobytes())
                deq[name] = h.astype(np.float32)
                spec["quantization"] = {"dtype": "float16"}
            elif mode == "uint8":
                lo, hi = float(w.min()), float(w.max())
                scale = (hi - lo) / 255 if hi > lo else 1.0
                q = np.clip(np.floor((w - lo) / scale + 0.5), 0, 255).astype(np.uint8)
                chunks.append(q.tobytes())
                deq[name] = (q.astype(np.float32) * np.float32(scale) + np.float32(lo)).astype(np.float32)
                spec["quantization"] = {"dtype": "uint8", "min": lo, "scale": scale}
            else:
                raise ValueError(mode)
            specs.append(spec)
        return b"".join(chunks), deq, specs

    def save(self, folder: Path, outputs: dict, mode: str):
        """Write model.json + one weight shard; returns {relative file: sha256}."""
        folder.mkdir(parents=True, exist_ok=True)
        data, _, specs = self.quantised(mode)
        shard = "group1-shard1of1.bin"
        (folder / shard).write_bytes(data)
        model = {
            "format": "graph-model", "generatedBy": "bonelens training/tfjs_graph.py", "convertedBy": None,
            "modelTopology": {"node": self.nodes, "library": {}, "versions": {"producer": 1}},
            "signature": {
                "inputs": {self.input_name: {"name": f"{self.input_name}:0", "dtype": "DT_FLOAT", "tensorShape": {
                    "dim": [{"size": "-1"}, {"size": str(self.size)}, {"size": str(self.size)},
                            {"size": str(self.channels)}]}}},
                "outputs": {k: {"name": f"{v}:0", "dtype": "DT_FLOAT"} for k, v in outputs.items()}},
            "weightsManifest": [{"paths": [shard], "weights": specs}],
        }
        (folder / "model.json").write_text(json.dumps(model, separators=(",", ":")))
        return {f"{folder.name}/{f}": hashlib.sha256((folder / f).read_bytes()).hexdigest()
                for f in ("model.json", shard)}


def export_network(model, size: int, heads: dict):
    """RadiographNet backbone, once, + its linear heads -> one Graph. `heads`: {name: (linear, scale, shift)}.
    Each head gets outputs `{name}/logits` [N,K] and `{name}/cam` [N,h,w,K] (its class-activation map), and its
    validation-fitted calibration folded in: logits*scale + shift = mean(cam*scale) + bias*scale + shift."""
    model.eval()
    g = Graph("image", size, 1)
    x = _mobilenet_backbone(g, model) if isinstance(model, MobileNet) else _residual_backbone(g, model)
    for name, (head, scale, shift) in heads.items():
        k = head.weight.shape[0]
        shift = torch.zeros(k) if shift is None else torch.as_tensor(shift, dtype=torch.float32)
        cam = g.conv(f"{name}/cam", x, (head.weight.detach() * scale)[:, :, None, None], torch.zeros(k),
                     stride=1, pad=0, relu=False)
        bias = g.const(f"{name}/bias", (head.bias.detach() * scale + shift).numpy())
        g.op(f"{name}/logits", "AddV2", [g.mean_hw(f"{name}/pooled", cam), bias])
    return g


def _residual_backbone(g: Graph, model):
    stem = model.stem
    x = g.conv("stem", "image", *fold_bn(stem[0], stem[1]), stride=stem[0].stride[0], pad=1, relu=True)
    for i, stage in enumerate(model.stages):
        down = g.conv(f"stage{i}/down", x, *fold_bn(stage.down[0], stage.down[1]),
                      stride=stage.down[0].stride[0], pad=1, relu=True)
        conv = g.conv(f"stage{i}/conv", down, *fold_bn(stage.conv[0], stage.conv[1]), stride=1, pad=1, relu=False)
        x = g.op(f"stage{i}/relu", "Relu", [g.op(f"stage{i}/add", "AddV2", [down, conv])])
    return x


def _mobilenet_backbone(g: Graph, model: MobileNet):
    """Every layer as a fused (depthwise) conv with TF's SAME padding and ReLU6; the inverted residuals' adds."""
    x, outputs = "image", {}
    for i, layer in enumerate(model.layers):
        x = g.conv(f"layer{i:02d}", x, *fold_bn(layer.conv, layer.bn), stride=layer.stride, pad="SAME",
                   relu="relu6" if layer.relu6 else False, depthwise=layer.depthwise)
        if i in model.shortcuts:
            x = g.op(f"layer{i:02d}/add", "AddV2", [outputs[model.shortcuts[i]], x])
        outputs[i] = x
    return x


def output_names(heads) -> dict:
    """The graph's output node of each head: {head: {"logits": node, "cam": node}}."""
    return {name: {"logits": f"{name}/logits", "cam": f"{name}/cam"} for name in heads}


def read_weights(model_json: Path) -> dict:
    """{name: float32/int32 array} of a TF.js graph model's weights, dequantised (float16 or uint8 affine)."""
    topology = json.loads(model_json.read_text())
    [group] = topology["weightsManifest"]
    data = b"".join((model_json.parent / p).read_bytes() for p in group["paths"])
    weights, offset = {}, 0
    for w in group["weights"]:
        count = int(np.prod(w["shape"])) if w["shape"] else 1
        quant = w.get("quantization", {})
        dtype = quant.get("dtype", w["dtype"])
        raw = np.frombuffer(data, {"float16": np.float16, "float32": np.float32, "int32": np.int32,
                                   "uint8": np.uint8}[dtype], count, offset)
        offset += raw.nbytes
        if dtype == "uint8":
            raw = raw.astype(np.float32) * np.float32(quant["scale"]) + np.float32(quant["min"])
        weights[w["name"]] = raw.astype(np.int32 if dtype == "int32" else np.float32).reshape(w["shape"])
    return weights


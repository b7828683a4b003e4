"""The MobileNet port reproduces the ImageNet top-5 that ../shared/pretrained/layers.json expects on check/*.png,
and its radiograph form (one-channel stem, batch norm recalibrated) computes the same function."""
import json
import sys
import unittest
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mobilenet import (BACKBONES, PRETRAINED, MobileNet, conv_bn_pairs, imagenet_classifier,  # noqa: E402
                       load_pretrained, recalibrate_batchnorm, residual_blocks, same_padding)

HAVE_PRETRAINED = (PRETRAINED / "layers.json").exists()
SKIP_WHY = f"skipping: {PRETRAINED} is absent (the ImageNet MobileNets live in ../shared/pretrained)"


def picture(name, size):
    from PIL import Image
    img = Image.open(PRETRAINED / "check" / name).convert("RGB").resize((size, size), Image.BILINEAR)
    return torch.from_numpy(np.asarray(img, np.float32) / 127.5 - 1).permute(2, 0, 1)[None]


class PaddingTest(unittest.TestCase):
    def test_same_padding_is_tensorflows(self):
        self.assertEqual(same_padding(224, 3, 2), (0, 1))   # even input, stride 2: nothing before, one after
        self.assertEqual(same_padding(7, 3, 2), (1, 1))
        self.assertEqual(same_padding(10, 3, 1), (1, 1))
        self.assertEqual(same_padding(10, 1, 1), (0, 0))


@unittest.skipUnless(HAVE_PRETRAINED, SKIP_WHY)
class PortTest(unittest.TestCase):
    spec = json.loads((PRETRAINED / "layers.json").read_text())["models"] if HAVE_PRETRAINED else {}

    def test_imagenet_top5_of_each_backbone(self):
        for name, key in BACKBONES.items():
            net, m = imagenet_classifier(name), self.spec[key]
            for pic, expected in m["expected_top5"].items():
                with torch.no_grad():
                    p = torch.softmax(net(picture(pic, m["input"])), 1)[0]
                ours = [int(i) for i in p.topk(5).indices]
                want = [e["index"] for e in expected]
                with self.subTest(backbone=name, picture=pic):
                    # the expected figures come from the uint8 TFLite graphs (quantised activations): the classes
                    # agree, the probabilities to a few points; MobileNetV1 0.75's cat is a near tie of three cats
                    self.assertTrue({e["index"] for e in expected if e["p"] >= 0.05} <= set(ours[:3]), (ours, want))
                    if name != "mobilenet_v1_0.75":
                        self.assertEqual(ours[0], want[0])
                    if name == "mobilenet_v2_1.0":
                        for e in expected:
                            self.assertAlmostEqual(float(p[e["index"]]), e["p"], delta=0.03)

    def test_layer_list_and_shortcuts_follow_layers_json(self):
        v2 = MobileNet("mobilenet_v2_1.0", 5)
        self.assertEqual(len(v2.layers), 52)
        self.assertEqual(len(v2.shortcuts), 10)           # 17 blocks, 10 of them with stride 1 and equal channels
        self.assertEqual(residual_blocks(self.spec["mobilenet_v1_0.5_160"]["layers"]), {})
        rgb = MobileNet("mobilenet_v2_1.0", in_channels=3)
        params = sum(layer.conv.weight.numel() + layer.bn.bias.numel() for layer in rgb.layers)
        self.assertEqual(params, self.spec["mobilenet_v2_1.0_224"]["backbone_params"])

    def test_grayscale_stem_is_the_rgb_network_on_three_equal_channels(self):
        rgb = imagenet_classifier("mobilenet_v2_1.0")[0].net
        gray = load_pretrained(MobileNet("mobilenet_v2_1.0", 5)).eval()
        x = torch.rand(2, 1, 96, 96) * 2 - 1
        with torch.no_grad():
            torch.testing.assert_close(gray.features(x), rgb.features(x.expand(-1, 3, -1, -1)), rtol=1e-4, atol=1e-4)

    def test_a_cached_frozen_trunk_then_the_rest_is_the_whole_network(self):
        net = load_pretrained(MobileNet("mobilenet_v2_1.0", 5, frozen_layers=39)).eval()
        x = torch.rand(2, 1, 64, 64) * 2 - 1
        with torch.no_grad():
            torch.testing.assert_close(net.features(net.trunk(x, 39), start=39), net.features(x))

    def test_batchnorm_recalibration_keeps_the_function(self):
        net = load_pretrained(MobileNet("mobilenet_v1_0.5", 5)).eval()
        x = torch.rand(4, 1, 64, 64) * 2 - 1
        with torch.no_grad():
            before = net.features(x).clone()
            recalibrate_batchnorm(net, conv_bn_pairs(net), x)
            torch.testing.assert_close(net.eval().features(x), before, rtol=1e-3, atol=1e-3)
            net.train()                                    # batch statistics of the same sample: the same function
            torch.testing.assert_close(net.features(x), before, rtol=1e-3, atol=1e-3)


if __name__ == "__main__":
    unittest.main()

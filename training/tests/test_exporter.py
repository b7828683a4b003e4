"""Exporter checks that need only PyTorch: batch-norm folding, the reference executor, and starting training
from an exported model."""
import sys
import tempfile
import unittest
from pathlib import Path

import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_op_cases_specs import TINY_V2  # noqa: E402
from mobilenet import MobileNet  # noqa: E402
from model import RadiographNet, cam, init_from_export  # noqa: E402
from tfjs_graph import export_network, fold_bn, output_names, read_weights  # noqa: E402


class ExporterTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)

    def test_batchnorm_folds_into_convolution(self):
        conv, bn = nn.Conv2d(3, 4, 3, 1, 1, bias=False), nn.BatchNorm2d(4)
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.5, 2)
        bn.eval()
        x = torch.randn(2, 3, 8, 8)
        w, b = fold_bn(conv, bn)
        torch.testing.assert_close(nn.functional.conv2d(x, w, b, padding=1), bn(conv(x)), rtol=1e-5, atol=1e-5)

    def test_one_graph_reproduces_both_heads_and_their_cams(self):
        net = RadiographNet(5, (8, 8, 16, 16, 24)).eval()
        x = torch.randn(2, 1, 64, 64)
        g = export_network(net, 64, {"bodypart": (net.bodypart, 1.0, None), "abnormality": (net.abnormality, 1.0, None)})
        self.assertEqual(sum(n["op"] == "_FusedConv2D" and n["name"].startswith("stem") for n in g.nodes), 1)
        with torch.no_grad():
            expected = dict(zip(("bodypart", "abnormality"), net(x)))
            expected["abnormality"] = expected["abnormality"][:, None]
            for name in ("bodypart", "abnormality"):
                head = getattr(net, name)
                logits, c = g.run(x.permute(0, 2, 3, 1), [f"{name}/logits", f"{name}/cam"])
                torch.testing.assert_close(logits, expected[name], rtol=1e-4, atol=1e-5)
                torch.testing.assert_close(c, cam(net.features(x), head).permute(0, 2, 3, 1), rtol=1e-4, atol=1e-5)
                # logits are the cam's spatial mean plus the bias: the heatmap explains the score
                torch.testing.assert_close(logits, c.mean((1, 2)) + head.bias, rtol=1e-4, atol=1e-5)

    def test_a_mobilenet_exports_to_the_same_function(self):
        net = MobileNet("tiny", 5, layers=TINY_V2)
        with torch.no_grad():                        # batch norms that are not the identity
            for m in net.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.uniform_(-1, 1), m.running_var.uniform_(0.5, 2)
                    m.weight.uniform_(0.5, 1.5), m.bias.uniform_(-0.5, 0.5)
        net.eval()
        g = export_network(net, 33, {"bodypart": (net.bodypart, 1.0, None), "abnormality": (net.abnormality, 1.0, None)})
        self.assertEqual(sum(n["op"] == "FusedDepthwiseConv2dNative" for n in g.nodes), 3)
        self.assertEqual(sum(n["op"] == "AddV2" and n["name"].endswith("/add") for n in g.nodes), 2)
        x = torch.randn(2, 1, 33, 33) * 3
        with torch.no_grad():
            bodypart, abnormality = net(x)
            got = g.run(x.permute(0, 2, 3, 1), ["bodypart/logits", "abnormality/logits", "bodypart/cam"])
            torch.testing.assert_close(got[0], bodypart, rtol=1e-4, atol=1e-5)
            torch.testing.assert_close(got[1][:, 0], abnormality, rtol=1e-4, atol=1e-5)
            self.assertEqual(tuple(got[2].shape), (2, 9, 9, 5))   # 33 -> 17 -> 9 with TF's SAME padding

    def test_calibration_is_folded_into_a_head(self):
        net = RadiographNet(5, (8, 8, 16, 16, 24)).eval()
        x = torch.randn(2, 1, 64, 64)
        shift = [0.5, -0.25, 0.0, 1.0, 2.0]
        g = export_network(net, 64, {"bodypart": (net.bodypart, 0.5, shift)})
        with torch.no_grad():
            torch.testing.assert_close(g.run(x.permute(0, 2, 3, 1), ["bodypart/logits"])[0],
                                       net(x)[0] * 0.5 + torch.tensor(shift), rtol=1e-4, atol=1e-5)

    def test_quantisation_dequantises_close_to_float(self):
        net = RadiographNet(5, (8, 8, 16, 16, 24)).eval()
        g = export_network(net, 64, {"bodypart": (net.bodypart, 1.0, None)})
        for mode, tol in (("float16", 1e-3), ("uint8", 1e-2)):
            data, deq, specs = g.quantised(mode)
            self.assertEqual(len(specs), len(g.weights))
            for name, w in g.weights.items():
                self.assertLessEqual(float(abs(deq[name] - w).max()), tol * max(1.0, float(abs(w).max())), name)

    def test_training_starts_from_an_exported_model_as_it_was_exported(self):
        trained = RadiographNet(5, (8, 8, 16, 16, 24))
        with torch.no_grad():                        # batch norms that are not the identity
            for m in trained.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.uniform_(-1, 1), m.running_var.uniform_(0.5, 2)
                    m.weight.uniform_(0.5, 1.5), m.bias.uniform_(-0.5, 0.5)
        trained.eval()
        heads = {"bodypart": (trained.bodypart, 1.0, None), "abnormality": (trained.abnormality, 1.0, None)}
        x = torch.randn(6, 1, 64, 64)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "radiograph"
            export_network(trained, 64, heads).save(folder, output_names(heads), "float16")
            weights = read_weights(folder / "model.json")
        fresh = RadiographNet(5, (8, 8, 16, 16, 24))
        init_from_export(fresh, weights, "", x, {"bodypart": "bodypart", "abnormality": "abnormality"})
        fresh.eval()
        with torch.no_grad():
            for got, want in zip(fresh(x), trained(x)):
                torch.testing.assert_close(got, want, rtol=2e-2, atol=2e-2)   # float16 weights
            fresh.dropout.p = 0                      # training mode: batch statistics of x give the same function
            fresh.train()
            for got, want in zip(fresh(x), trained(x)):
                torch.testing.assert_close(got, want, rtol=2e-2, atol=2e-2)


if __name__ == "__main__":
    unittest.main()

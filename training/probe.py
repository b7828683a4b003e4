"""Frozen-feature linear probe: how far each pretrained ImageNet backbone gets on our abnormality labels without any
fine-tuning, at each input size. The baseline fine-tuning must beat, and the measure that picks backbone and size.

For every (backbone, size): the radiographs with an abnormality label of the strata that have both labels within one
source (MURA humerus, FracAtlas hand / elbow / forearm, MURA wrist ...) are letterboxed as the app does, run through
the pretrained backbone (grayscale stem, eval mode), globally pooled; one L2-regularised logistic regression per
stratum is fitted on the train split (its strength chosen on validation) and scored on the test split.

    /usr/bin/python3 training/probe.py [--configs mobilenet_v2_1.0@160 ...]  ->  training/reports/probe/report.json
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from config import Config  # noqa: E402
from data import load_gray, letterbox_area, read_rows, split_by_group  # noqa: E402
from jsonio import dumps  # noqa: E402
from mobilenet import MEAN, STD, MobileNet, load_pretrained  # noqa: E402
from source_metrics import auc  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--configs", nargs="*", default=["mobilenet_v1_0.5@160", "mobilenet_v1_0.75@192", "mobilenet_v2_1.0@160",
                                                 "mobilenet_v2_1.0@192", "mobilenet_v2_1.0@224"])
ap.add_argument("--out", type=Path, default=Config().reports / "probe")
args = ap.parse_args()
torch.set_num_threads(2)
cfg = Config()
rows = read_rows(cfg.data, cfg.extra_data)
split = np.array(split_by_group(rows, cfg))
UPPER_LIMB = ("elbow", "hand", "shoulder", "humerus", "forearm", "wrist")
labelled = [i for i, r in enumerate(rows) if r["abnormal"] in ("0", "1") and split[i] in ("train", "val", "test")
            and r["body_part"] in UPPER_LIMB]
strata = {}
for i in labelled:
    strata.setdefault((rows[i]["source"], rows[i]["body_part"]), []).append(i)
# a stratum is probed where each label has at least 5 films in train and 3 in test
strata = {k: np.array(v) for k, v in strata.items()
          if all(sum(split[i] == s and rows[i]["abnormal"] == lab for i in v) >= n
                 for s, n in (("train", 5), ("test", 3)) for lab in ("0", "1"))}
keep = np.concatenate(list(strata.values()))
print(f"probe strata: { {f'{s}/{p}': len(v) for (s, p), v in strata.items()} }", flush=True)
grays = {i: load_gray(Path(rows[i]["root"]) / rows[i]["path"]) for i in keep}
y = np.array([int(r["abnormal"]) if r["abnormal"] in ("0", "1") else -1 for r in rows])


def fit_logistic(x, t, strength):
    w = torch.zeros(x.shape[1], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=200, line_search_fn="strong_wolfe")
    pos = float(t.mean())
    weight = torch.where(t == 1, 0.5 / pos, 0.5 / (1 - pos))    # both labels weigh the same

    def closure():
        opt.zero_grad()
        loss = (weight * F.binary_cross_entropy_with_logits(x @ w + b, t, reduction="none")).mean() + strength * w.pow(2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    return lambda z: (z @ w + b).detach().numpy()


report = {"what": "frozen ImageNet features + logistic regression per (source, part), fitted on train, strength "
                  "chosen on validation, AUC on test", "strata": {f"{s}/{p}": len(v) for (s, p), v in strata.items()},
          "configs": {}}
for config in args.configs:
    name, size = config.split("@")
    size = int(size)
    net = load_pretrained(MobileNet(name)).eval()
    t0 = time.time()
    feats = {}
    with torch.no_grad():
        order = list(keep)
        for k in range(0, len(order), 64):
            batch = np.stack([letterbox_area(grays[i], size, cfg.pad_value) for i in order[k:k + 64]])
            x = (torch.from_numpy(batch).float()[:, None] / 255 - MEAN) / STD
            for i, f in zip(order[k:k + 64], net.features(x).mean((2, 3))):
                feats[i] = f
    seconds = time.time() - t0
    result = {}
    for (source, part), members in strata.items():
        x = torch.stack([feats[i] for i in members])
        mu, sd = x[split[members] == "train"].mean(0), x[split[members] == "train"].std(0) + 1e-6
        x = (x - mu) / sd
        t = torch.from_numpy(y[members]).float()
        tr, va, te = (split[members] == s for s in ("train", "val", "test"))
        best = max((1e-1, 3e-2, 1e-2, 3e-3, 1e-3),
                   key=lambda c: auc(fit_logistic(x[tr], t[tr], c)(x[va]), y[members][va]) if va.any() else 0)
        score = fit_logistic(x[tr | va], t[tr | va], best)(x[te])
        result[f"{source}/{part}"] = {"auc": auc(score, y[members][te]), "strength": best,
                                      "test": {"abnormal": int(y[members][te].sum()), "normal": int((y[members][te] == 0).sum())}}
    report["configs"][config] = {"withinSourceTestAuc": result, "featureSeconds": round(seconds, 1),
                                 "images": len(keep)}
    print(config, {k: round(v["auc"], 3) for k, v in result.items()}, f"{seconds:.0f}s", flush=True)
args.out.mkdir(parents=True, exist_ok=True)
(args.out / "report.json").write_text(dumps(report, indent=1))
print(f"wrote {args.out / 'report.json'}")

"""Evaluate a trained run the way it will ship: the exported graph (BN folded, calibration folded,
weights quantised) executed by our reference executor. Picks the quantisation, the body-part rejection
threshold and the abnormality thresholds on VALIDATION data only, then measures everything on TEST.

    /usr/bin/python3 training/evaluate.py [--run main]   ->  training/reports/report.json, report.md, *.png
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from config import REPO, Config  # noqa: E402
from data import load_dataset  # noqa: E402
from model import RadiographNet  # noqa: E402
from jsonio import dumps  # noqa: E402
from report_md import metrics_markdown  # noqa: E402
from tfjs_graph import export_network  # noqa: E402

PATHS = ("data", "cache", "runs", "reports", "models_out")
ap = argparse.ArgumentParser()
ap.add_argument("--run", default="main")
ap.add_argument("--runs", type=Path, default=Config().runs)
ap.add_argument("--reports", type=Path)
ap.add_argument("--bootstrap", type=int, default=1000)
args = ap.parse_args()
torch.set_num_threads(2)
ck = torch.load(args.runs / args.run / "final.pt")
cfg = Config(**{k: (Path(v) if k in PATHS else
                    tuple(v) if isinstance(v, list) else v) for k, v in ck["config"].items()})
reports = args.reports or cfg.reports
reports.mkdir(parents=True, exist_ok=True)
ds = load_dataset(cfg)
rows, images, split, part, abnormal = ds["rows"], ds["images"], ds["split"], ds["part"], ds["abnormal"]
model = RadiographNet(len(cfg.bodypart_classes), cfg.widths)
model.load_state_dict(ck["model"])
graphs = {"bodypart": export_network(model, model.bodypart, cfg.size, **ck["calibration"]["bodypart"]),
          "abnormality": export_network(model, model.abnormality, cfg.size, **ck["calibration"]["abnormality"])}
rng = np.random.default_rng(cfg.seed)


def run(graph, idx, weights=None, batch=128):
    out = []
    with torch.no_grad():
        for i in range(0, len(idx), batch):
            x = torch.from_numpy(np.ascontiguousarray(images[idx[i:i + batch]])).float()[..., None] / 255
            out.append(graph.run((x - cfg.mean) / cfg.std, ["logits"], weights)[0])
    return torch.cat(out)


def probabilities(name, logits):
    return torch.softmax(logits, 1).numpy() if name == "bodypart" else torch.sigmoid(logits[:, 0]).numpy()


# ---------------------------------------------------------------- quantisation, measured on validation
val, test = np.flatnonzero(split == "val"), np.flatnonzero(split == "test")
quantisation = {}
for name, graph in graphs.items():
    reference = probabilities(name, run(graph, val))
    trials = {}
    for mode in ("uint8", "float16"):
        _, deq, _ = graph.quantised(mode)
        p = probabilities(name, run(graph, val, deq))
        same = (p.argmax(1) == reference.argmax(1)).mean() if name == "bodypart" else ((p >= .5) == (reference >= .5)).mean()
        trials[mode] = {"maxAbsProbabilityError": float(np.abs(p - reference).max()), "sameDecision": float(same)}
    chosen = next((m for m in ("uint8", "float16") if trials[m]["maxAbsProbabilityError"] <= 0.02
                   and trials[m]["sameDecision"] >= 0.995), "none")
    quantisation[name] = {"chosen": chosen, "trials": trials}
    print(f"{name}: quantisation {chosen} {trials}", flush=True)


def shipped(name, idx):
    mode = quantisation[name]["chosen"]
    return probabilities(name, run(graphs[name], idx, graphs[name].quantised(mode)[1]))


P = {s: {"bodypart": shipped("bodypart", idx), "abnormality": shipped("abnormality", idx)}
     for s, idx in (("val", val), ("test", test))}
supported_ids = list(range(len(cfg.supported)))


# ---------------------------------------------------------------- stage 1: rejection threshold on validation
def accepted(p, min_conf):
    return np.isin(p.argmax(1), supported_ids) & (p.max(1) >= min_conf)


val_supported = np.isin(part[val], supported_ids)
min_confidence = 0.0
for t in np.arange(0.0, 0.96, 0.01):
    if 1 - accepted(P["val"]["bodypart"][val_supported], t).mean() <= cfg.max_ood_false_reject:
        min_confidence = float(round(t, 2))


# ---------------------------------------------------------------- stage 2: thresholds on validation
def thresholds_for(p, y):
    """low: p below it is called normal, keeping sensitivity >= target; high: p at/above it is called
    abnormal, keeping specificity >= target. Between them: uncertain."""
    pos, neg = np.sort(p[y == 1]), np.sort(p[y == 0])
    low = float(pos[int(np.floor((1 - cfg.target_sensitivity) * len(pos)))]) if len(pos) else 0.5
    high = float(neg[min(len(neg) - 1, int(np.ceil(cfg.target_specificity * len(neg))))]) if len(neg) else 0.5
    high = float(np.nextafter(high, 1))
    return (low, high) if low <= high else ((low + high) / 2, (low + high) / 2)


thresholds, threshold_basis = {}, {}
vlab = abnormal[val] >= 0
pooled = vlab & val_supported
pooled_t = thresholds_for(P["val"]["abnormality"][pooled], abnormal[val][pooled])
for k, name in enumerate(cfg.supported):
    m = vlab & (part[val] == k)
    n_pos, n_neg = int((abnormal[val][m] == 1).sum()), int((abnormal[val][m] == 0).sum())
    if min(n_pos, n_neg) >= 10:
        t, basis = thresholds_for(P["val"]["abnormality"][m], abnormal[val][m]), f"{name} validation ({n_pos} abnormal, {n_neg} normal)"
    else:
        t, basis = pooled_t, (f"pooled elbow+hand+shoulder validation: {name} has only {n_pos} abnormal / "
                              f"{n_neg} normal validation images")
    thresholds[name] = {"low": round(t[0], 4), "high": round(t[1], 4)}
    threshold_basis[name] = basis


# ---------------------------------------------------------------- test metrics
def auc(scores, labels):
    """Mann-Whitney AUC with tied scores given their average rank."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    _, inverse, counts = np.unique(np.concatenate([pos, neg]), return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    ranks = ((ends - counts + 1 + ends) / 2)[inverse]
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def kappa(a, b):
    a, b = np.asarray(a, int), np.asarray(b, int)
    po = (a == b).mean()
    pe = a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean())
    return float((po - pe) / (1 - pe)) if pe < 1 else float("nan")


def bootstrap_ci(fn, groups, *arrays):
    """95% CI by resampling groups (patients), never single images of one patient."""
    uniq = np.unique(groups)
    members = {g: np.flatnonzero(groups == g) for g in uniq}
    vals = []
    for _ in range(args.bootstrap):
        pick = np.concatenate([members[g] for g in rng.choice(uniq, len(uniq))])
        v = fn(*(a[pick] for a in arrays))
        if not np.isnan(v):
            vals.append(v)
    return [float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))] if len(vals) > 20 else [None, None]


def ece(p, y, bins=10):
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    table = [(float(p[which == b].mean()), float(y[which == b].mean()), int((which == b).sum()))
             for b in range(bins) if (which == b).any()]
    return float(sum(n * abs(c - a) for c, a, n in table) / len(p)), table


def abnormality_metrics(mask, t):
    idx = test[mask]
    p, y = P["test"]["abnormality"][mask], abnormal[idx]
    groups = np.array([rows[i]["group"] for i in idx])
    studies = np.array([rows[i]["study"] for i in idx])
    out = {"images": int(len(idx)), "abnormal": int(y.sum()), "normal": int((y == 0).sum()),
           "patients": int(len(np.unique(groups))), "studies": int(len(np.unique(studies)))}
    if min(out["abnormal"], out["normal"]) == 0:
        out["note"] = "only one class present in test: AUC and kappa undefined"
        return out
    s_ids = np.unique(studies)
    sp = np.array([p[studies == s].mean() for s in s_ids])
    sy = np.array([y[studies == s].max() for s in s_ids])
    out.update({
        "auc": auc(p, y), "aucCI95": bootstrap_ci(auc, groups, p, y),
        "sensitivityAtLow": float((p[y == 1] >= t["low"]).mean()),
        "specificityAtLow": float((p[y == 0] < t["low"]).mean()),
        "sensitivityAtHigh": float((p[y == 1] >= t["high"]).mean()),
        "specificityAtHigh": float((p[y == 0] < t["high"]).mean()),
        "uncertainFraction": float(((p >= t["low"]) & (p < t["high"])).mean()),
        "kappaImage": kappa(p >= 0.5, y), "kappaImageCI95": bootstrap_ci(lambda a, b: kappa(a >= .5, b), groups, p, y),
        "kappaStudy": kappa(sp >= 0.5, sy), "studyAuc": auc(sp, sy),
        "ece": ece(p, y)[0],
    })
    return out


tlab = abnormal[test] >= 0
test_part = part[test]
test_names = np.array([rows[i]["body_part"] for i in test])
abn = {}
for k, name in enumerate(cfg.supported):
    abn[name] = abnormality_metrics(tlab & (test_part == k), thresholds[name])
abn["supported (pooled)"] = abnormality_metrics(tlab & np.isin(test_part, supported_ids), {"low": pooled_t[0], "high": pooled_t[1]})
abn["humerus (MURA, not shipped)"] = abnormality_metrics(tlab & (test_names == "humerus"), {"low": pooled_t[0], "high": pooled_t[1]})
cal_mask = tlab & np.isin(test_part, supported_ids)
ece_value, reliability = ece(P["test"]["abnormality"][cal_mask], abnormal[test][cal_mask])

pb = P["test"]["bodypart"]
sup = np.isin(test_part, supported_ids)
acc_groups = np.array([rows[i]["group"] for i in test])
confusion = np.zeros((len(cfg.bodypart_classes),) * 2, int)
for t_, p_ in zip(test_part, pb.argmax(1)):
    confusion[t_, p_] += 1
real_notxray = np.array([rows[i]["body_part"] == "notxray" and rows[i]["source"] != "synthetic" for i in test])
synthetic = np.array([rows[i]["source"] == "synthetic" for i in test])
other_xray = test_part == cfg.bodypart_classes.index("other_xray")
acc_fn = (lambda p, y: float((p.argmax(1) == y).mean()))
bodypart = {
    "accuracySupported": acc_fn(pb[sup], test_part[sup]),
    "accuracySupportedCI95": bootstrap_ci(acc_fn, acc_groups[sup], pb[sup], test_part[sup]),
    "supportedImages": int(sup.sum()),
    "accuracyAll5Classes": acc_fn(pb, test_part),
    "classes": list(cfg.bodypart_classes),
    "confusion": confusion.tolist(),
    "minConfidence": min_confidence,
    "falseRejectionSupported": float(1 - accepted(pb[sup], min_confidence).mean()),
    "rejectionNonRadiographs": float(1 - accepted(pb[real_notxray], min_confidence).mean()),
    "nonRadiographs": int(real_notxray.sum()),
    "rejectionSynthetic": float(1 - accepted(pb[synthetic], min_confidence).mean()) if synthetic.any() else None,
    "rejectionOtherRadiographs": float(1 - accepted(pb[other_xray], min_confidence).mean()),
    "otherRadiographs": int(other_xray.sum()),
    "rejectionByRegion": {r: float(1 - accepted(pb[test_names == r], min_confidence).mean())
                          for r in sorted(set(test_names)) if r not in cfg.supported and r != "notxray"},
}
split_counts = {s: {"images": int((split == s).sum()),
                    "groups": int(len({rows[i]["group"] for i in np.flatnonzero(split == s)}))} for s in ("train", "val", "test")}
report = {
    "run": args.run, "date": time.strftime("%Y-%m-%d"), "bestEpoch": ck["epoch"] + 1,
    "headCalibration": ck["calibration"], "quantisation": quantisation,
    "split": split_counts, "bodypart": bodypart, "abnormality": abn,
    "thresholds": thresholds, "thresholdBasis": threshold_basis,
    "calibration": {"ece": ece_value, "reliability": reliability, "scope": "test, elbow+hand+shoulder labelled"},
    "config": {k: (os.path.relpath(v, REPO) if k in PATHS else v) for k, v in ck["config"].items()},
}
(reports / "report.json").write_text(dumps(report, indent=1))
(reports / "report.md").write_text("\n".join([
    f"# Evaluation of run `{args.run}` ({report['date']})", "",
    f"Best epoch {report['bestEpoch']}; split (by group) {json.dumps(split_counts)}. Quantisation, thresholds and the "
    "rejection rule were chosen on validation; every metric below is on the test split.", "",
    *metrics_markdown(json.loads(dumps(report)), ""), ]) + "\n")
print(json.dumps({k: report[k] for k in ("bodypart", "thresholds")}, indent=1))
print(json.dumps(abn, indent=1))

# ---------------------------------------------------------------- plots
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(4, 4))
    xs = [c for c, _, _ in reliability]
    ax.plot([0, 1], [0, 1], "k--", lw=1)
    ax.plot(xs, [a for _, a, _ in reliability], "o-")
    ax.set_xlabel("predicted abnormal probability")
    ax.set_ylabel("observed abnormal fraction")
    ax.set_title(f"Reliability (test), ECE {ece_value:.3f}")
    fig.tight_layout()
    fig.savefig(reports / "reliability.png", dpi=90)
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.imshow(confusion, cmap="Blues")
    ax.set_xticks(range(len(cfg.bodypart_classes)), cfg.bodypart_classes, rotation=45)
    ax.set_yticks(range(len(cfg.bodypart_classes)), cfg.bodypart_classes)
    for (i, j), v in np.ndenumerate(confusion):
        ax.text(j, i, v, ha="center", va="center", fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("reference")
    ax.set_title("Body part (test)")
    fig.tight_layout()
    fig.savefig(reports / "confusion.png", dpi=90)
except ImportError:
    print("matplotlib missing: no plots (apt-get install python3-matplotlib)")

"""Evaluate a trained run the way it will ship: the exported graph (BN folded, calibration folded,
weights quantised) executed by our reference executor. Picks the quantisation, the body-part rejection
threshold and the abnormality thresholds on VALIDATION data only, then measures everything on TEST.

    /usr/bin/python3 training/evaluate.py [--run main]   ->  training/reports/report.json, report.md, *.png
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from config import REPO, Config, config_from_dict, config_to_dict  # noqa: E402
from data import frame_filling_crops, load_dataset, load_gray  # noqa: E402
from source_metrics import (auc, baseline_by_source, confounded, source_separation,  # noqa: E402
                            two_label_strata, within_source_auc)
from model import build_model  # noqa: E402
from jsonio import dumps  # noqa: E402
from report_md import metrics_markdown, source_markdown  # noqa: E402
from tfjs_graph import export_network  # noqa: E402
from thresholds import decision_summary, precision_thresholds, rounded  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--run", default="main")
ap.add_argument("--runs", type=Path, default=Config().runs)
ap.add_argument("--reports", type=Path)
ap.add_argument("--bootstrap", type=int, default=1000)
args = ap.parse_args()
torch.set_num_threads(2)
ck = torch.load(args.runs / args.run / "final.pt")
cfg = config_from_dict(ck["config"])
reports = args.reports or cfg.reports
reports.mkdir(parents=True, exist_ok=True)
ds = load_dataset(cfg)
rows, images, split, part, abnormal = ds["rows"], ds["images"], ds["split"], ds["part"], ds["abnormal"]
model = build_model(cfg, len(cfg.bodypart_classes))
model.load_state_dict(ck["model"])
HEADS = ("bodypart", "abnormality")
graph = export_network(model, cfg.size, {h: (getattr(model, h), ck["calibration"][h]["scale"], ck["calibration"][h]["shift"])
                                         for h in HEADS})
rng = np.random.default_rng(cfg.seed)
sources = np.array([r["source"] for r in rows])
names_of_part = np.array([r["body_part"] for r in rows])


def probabilities(pixels_uint8, weights=None, batch=128):
    """The graph's calibrated probabilities of each head for [N, size, size] uint8 inputs."""
    out = {h: [] for h in HEADS}
    with torch.no_grad():
        for i in range(0, len(pixels_uint8), batch):
            x = torch.from_numpy(np.ascontiguousarray(pixels_uint8[i:i + batch])).float()[..., None] / 255
            bp, ab = graph.run((x - cfg.mean) / cfg.std, [f"{h}/logits" for h in HEADS], weights)
            out["bodypart"].append(torch.softmax(bp, 1).numpy())
            out["abnormality"].append(torch.sigmoid(ab[:, 0]).numpy())
    return {h: np.concatenate(v) for h, v in out.items()}


# ---------------------------------------------------------------- quantisation of the one graph, measured on validation
val, test = np.flatnonzero(split == "val"), np.flatnonzero(split == "test")
reference = probabilities(images[val])
trials = {}
for mode in ("uint8", "float16"):
    p = probabilities(images[val], graph.quantised(mode)[1])
    trials[mode] = {
        "bodypart": {"maxAbsProbabilityError": float(np.abs(p["bodypart"] - reference["bodypart"]).max()),
                     "sameDecision": float((p["bodypart"].argmax(1) == reference["bodypart"].argmax(1)).mean())},
        "abnormality": {"maxAbsProbabilityError": float(np.abs(p["abnormality"] - reference["abnormality"]).max()),
                        "sameDecision": float(((p["abnormality"] >= .5) == (reference["abnormality"] >= .5)).mean())}}
# the smallest weights whose decisions stay the float32 ones (>= 99% per head) with no probability moved by more than
# cfg.max_quantisation_error; float32 only where it fits the size budget (a MobileNet's does not: float16 or nothing)
float32_mb = sum(w.size for w in graph.weights.values()) * 4 / 1e6
chosen = next((m for m in ("uint8", "float16") if all(
    t["maxAbsProbabilityError"] <= cfg.max_quantisation_error and t["sameDecision"] >= 0.99
    for t in trials[m].values())), "none" if float32_mb <= cfg.max_model_mb else "float16")
quantisation = {"chosen": chosen, "trials": trials, "float32MB": float32_mb,
                "rule": f"smallest of uint8 / float16 with every head's largest probability change <= "
                        f"{cfg.max_quantisation_error} and >= 99% of its decisions unchanged; float32 only within "
                        f"{cfg.max_model_mb} MB, else float16"}
print(f"quantisation {chosen} {trials}", flush=True)
shipped_weights = graph.quantised(chosen)[1]
P = {s: probabilities(images[idx], shipped_weights) for s, idx in (("val", val), ("test", test))}
supported_ids = list(range(len(cfg.supported)))
# (source, part) strata with both labels anywhere in the data: where an AUC can measure pathology, not source
both_labels = two_label_strata(sources, names_of_part, abnormal)


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
    """low / high such that >= decision_precision of the normal and of the abnormal calls are right, deciding as
    many films as possible (thresholds.py); between them: uncertain."""
    return rounded(*precision_thresholds(p, y, cfg.decision_precision))


thresholds, threshold_basis = {}, {}
# only validation images of (source, part) strata with both labels: an implant-only or abnormal-only source would
# set the thresholds by its look, not by pathology
vlab = (abnormal[val] >= 0) & np.array([(sources[i], names_of_part[i]) in both_labels for i in val])
pooled = vlab & val_supported
pooled_t = thresholds_for(P["val"]["abnormality"][pooled], abnormal[val][pooled])
for k, name in enumerate(cfg.supported):
    m = vlab & (part[val] == k)
    n_pos, n_neg = int((abnormal[val][m] == 1).sum()), int((abnormal[val][m] == 0).sum())
    if min(n_pos, n_neg) >= 10:
        t, basis = thresholds_for(P["val"]["abnormality"][m], abnormal[val][m]), (
            f"{name} validation, sources with both labels ({n_pos} abnormal, {n_neg} normal)")
    else:
        t, basis = pooled_t, (f"pooled elbow+hand+shoulder validation (sources with both labels): {name} has only "
                              f"{n_pos} abnormal / {n_neg} normal such validation images")
    thresholds[name] = {"low": t[0], "high": t[1]}
    threshold_basis[name] = basis




def final_decisions(probs):
    """What the app shows for each film: unsupported, or the tier of its predicted part's thresholds."""
    pb, pa = probs["bodypart"], probs["abnormality"]
    out = np.full(len(pa), "unsupported", dtype=object)
    ok = accepted(pb, min_confidence)
    for k, name in enumerate(cfg.supported):
        m = ok & (pb.argmax(1) == k)
        t = thresholds[name]
        out[m] = np.where(pa[m] >= t["high"], "abnormal", np.where(pa[m] < t["low"], "normal", "uncertain"))
    return out


# the chosen weights against float32 on validation: the share of films whose shown decision changes
quantisation["decisionsChanged"] = float((final_decisions(P["val"]) != final_decisions(reference)).mean())
print(f"quantisation {chosen}: {quantisation['decisionsChanged']:.4f} of validation decisions changed", flush=True)


# ---------------------------------------------------------------- test metrics
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
        "decisions": decision_summary(p, y, t["low"], t["high"]),
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
# every labelled elbow/hand/shoulder test film, each with its part's thresholds: how many get a call, how many right
film_low = np.array([thresholds[cfg.supported[k]]["low"] if k in supported_ids else 0.5 for k in test_part])
film_high = np.array([thresholds[cfg.supported[k]]["high"] if k in supported_ids else 0.5 for k in test_part])
pt, yt = P["test"]["abnormality"][cal_mask], abnormal[test][cal_mask]
called_abnormal, called_normal = pt >= film_high[cal_mask], pt < film_low[cal_mask]
decided_all = called_abnormal | called_normal
decisions_all = {"films": int(cal_mask.sum()), "decidedShare": float(decided_all.mean()),
                 "decidedAccuracy": float(((called_abnormal & (yt == 1)) | (called_normal & (yt == 0)))[decided_all].mean())
                 if decided_all.any() else None,
                 "abnormalCallsRight": float(yt[called_abnormal].mean()) if called_abnormal.any() else None,
                 "normalCallsRight": float(1 - yt[called_normal].mean()) if called_normal.any() else None,
                 "scope": "labelled elbow/hand/shoulder test films, each with its part's thresholds"}
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



def operating_point(p, y, shift):
    """The shipped rejection rule on probabilities whose unsupported classes' logits are lowered by `shift` (a bias
    toward accepting the film)."""
    q = p * np.where(np.isin(np.arange(p.shape[1]), supported_ids), 1.0, np.exp(-shift))
    q /= q.sum(1, keepdims=True)
    s, o = np.isin(y, supported_ids), y == cfg.bodypart_classes.index("other_xray")
    return {"accuracySupported": acc_fn(q[s], y[s]),
            "falseRejectionSupported": float(1 - accepted(q[s], min_confidence).mean()),
            "rejectionOtherRadiographs": float(1 - accepted(q[o], min_confidence).mean())}


# what accepting more would cost: the shipped rule is shift 0; each row trades false rejection of supported films
# against guessing on other radiographs (forearm, wrist, humerus, finger look most alike)
bodypart["operatingPoints"] = [{"unsupportedLogitShift": d, **{s: operating_point(P[s]["bodypart"], part[idx], d)
                                                               for s, idx in (("val", val), ("test", test))}}
                               for d in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)]

# ---------------------------------------------------------------- per source: numbers the source cannot fool
train_idx = np.flatnonzero(split == "train")
test_sources = sources[test]


def by_source_abnormality(name, t):
    """Within each source that has both labels: AUC (CI by patient); beside it the pooled AUC and the AUC of the
    source-only baseline (the training abnormal rate of each image's source); flagged when pooled beats them all."""
    m = tlab & (test_names == name)
    p, y, src, grp = P["test"]["abnormality"][m], abnormal[test][m], test_sources[m], acc_groups[m]
    within = within_source_auc(p, y, src, ci=lambda mm: bootstrap_ci(auc, grp[mm], p[mm], y[mm]), min_per_class=3)
    tr = train_idx[(names_of_part[train_idx] == name) & (abnormal[train_idx] >= 0)]
    baseline = auc(baseline_by_source(sources[tr], abnormal[tr], src), y)
    pooled = auc(p, y)
    normals = {}
    for s in sorted(set(src[y == 0].tolist())):
        mm = (src == s) & (y == 0)
        normals[s] = {"normal": int(mm.sum()), "aboveHigh": int((p[mm] >= t["high"]).sum()),
                      "meanProbability": float(p[mm].mean())}
    return {"images": int(m.sum()), "pooledAuc": pooled, "sourceOnlyBaselineAuc": baseline,
            "withinSource": within, "confounded": confounded(pooled, within),
            "sourceSeparation": source_separation(p, y, src, min_n=5), "normalsAboveHigh": normals,
            "highThreshold": t["high"]}


abnormality_by_source = {name: by_source_abnormality(name, thresholds[name]) for name in cfg.supported}
for other in ("humerus", "wrist"):  # not shipped parts, but MURA films with both labels: checks of the pipeline
    abnormality_by_source[other] = by_source_abnormality(other, {"low": pooled_t[0], "high": pooled_t[1]})


def crop_views(i):
    return frame_filling_crops(load_gray(Path(rows[i]["root"]) / rows[i]["path"]), cfg.size, cfg.pad_value)


def bodypart_by_source():
    """Body-part accuracy and false rejection per source of the supported test radiographs: on the films as
    they are, and on frame-filling crops of them."""
    sup_idx = test[sup]
    views = {"film": images[sup_idx]}
    crops = [crop_views(i) for i in sup_idx]
    for kind in ("tight", "zoomed"):
        views[kind] = np.stack([c[kind] for c in crops])
    out = {}
    for kind, pixels in views.items():
        pb_view = probabilities(pixels, shipped_weights)["bodypart"]
        for s in sorted(set(sources[sup_idx].tolist())):
            m = sources[sup_idx] == s
            y = part[sup_idx][m]
            out.setdefault(s, {"images": int(m.sum())})[kind] = {
                "accuracy": acc_fn(pb_view[m], y),
                "accuracyCI95": bootstrap_ci(acc_fn, acc_groups[sup][m], pb_view[m], y),
                "falseRejection": float(1 - accepted(pb_view[m], min_confidence).mean()),
                "byPart": {name: acc_fn(pb_view[m][y == k], y[y == k]) for k, name in enumerate(cfg.supported) if (y == k).any()}}
    return out


bodypart["bySource"] = bodypart_by_source()


def external_test():
    """The seed project's own test pictures (never trained on): body part and abnormality, image by image."""
    ext = np.flatnonzero(split == "external")
    if len(ext) == 0:
        return None
    pe = probabilities(images[ext], shipped_weights)
    calls = pe["bodypart"].argmax(1)
    y_part, y_abn = part[ext], abnormal[ext]
    sup_e = np.isin(y_part, supported_ids)
    lab = sup_e & (y_abn >= 0)
    return {
        "sources": sorted(set(sources[ext].tolist())), "images": int(len(ext)),
        "bodypartAccuracySupported": acc_fn(pe["bodypart"][sup_e], y_part[sup_e]) if sup_e.any() else None,
        "falseRejectionSupported": float(1 - accepted(pe["bodypart"][sup_e], min_confidence).mean()) if sup_e.any() else None,
        "abnormalityAuc": auc(pe["abnormality"][lab], y_abn[lab]),
        "abnormal": int((y_abn[lab] == 1).sum()), "normal": int((y_abn[lab] == 0).sum()),
        "normalsAboveHigh": int(sum(pe["abnormality"][j] >= thresholds[cfg.bodypart_classes[y_part[j]]]["high"]
                                    for j in np.flatnonzero(lab & (y_abn == 0)))),
        "cases": [{"path": rows[i]["path"], "bodyPart": rows[i]["body_part"], "abnormal": int(abnormal[i]),
                   "predictedPart": cfg.bodypart_classes[calls[j]], "abnormalProbability": float(pe["abnormality"][j])}
                  for j, i in enumerate(ext)],
    }


external = external_test()
split_counts = {s: {"images": int((split == s).sum()),
                    "groups": int(len({rows[i]["group"] for i in np.flatnonzero(split == s)}))} for s in ("train", "val", "test")}
report = {
    "run": args.run, "date": time.strftime("%Y-%m-%d"), "bestEpoch": ck["epoch"] + 1,
    "headCalibration": ck["calibration"], "quantisation": quantisation,
    "split": split_counts, "bodypart": bodypart, "abnormality": abn, "abnormalityBySource": abnormality_by_source,
    "external": external,
    "thresholds": thresholds, "thresholdBasis": threshold_basis, "decisions": decisions_all,
    "calibration": {"ece": ece_value, "reliability": reliability, "scope": "test, elbow+hand+shoulder labelled"},
    "config": config_to_dict(cfg, REPO),
}
(reports / "report.json").write_text(dumps(report, indent=1))
(reports / "report.md").write_text("\n".join([
    f"# Evaluation of run `{args.run}` ({report['date']})", "",
    f"Best epoch {report['bestEpoch']}; split (by group) {json.dumps(split_counts)}. Quantisation, thresholds and the "
    "rejection rule were chosen on validation; every metric below is on the test split.", "",
    *source_markdown(json.loads(dumps(report))), *metrics_markdown(json.loads(dumps(report)), ""), ]) + "\n")
print(json.dumps({k: report[k] for k in ("bodypart", "thresholds")}, indent=1))
print(json.dumps(abn, indent=1))
print(json.dumps({"bodypartBySource": bodypart["bySource"], "abnormalityBySource": abnormality_by_source}, indent=1))

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

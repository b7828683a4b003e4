"""The source-aware evaluation (within-source AUC, source-only baseline, source separation, body part per source on
films and frame-filling crops) of the models as shipped in public/models, on the test split they were evaluated on.
For a release whose training checkpoint is not kept (0.1, run main3): its own split was drawn by the earlier
split_by_group (one random stream over the sorted strata), reproduced here with --legacy-split.

    /usr/bin/python3 training/evaluate_release.py --legacy-split --out training/reports/release-0.1 --into-manifest
"""
import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from config import REPO, Config  # noqa: E402
from data import (add_synthetic_rows, bodypart_target, build_cache, frame_filling_crops, load_gray,  # noqa: E402
                  read_rows, split_by_group)
from jsonio import dumps  # noqa: E402
from source_metrics import auc, baseline_by_source, confounded, source_separation, within_source_auc  # noqa: E402
from tfjs_graph import Graph, read_weights  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--models", type=Path, default=REPO / "public" / "models")
ap.add_argument("--legacy-split", action="store_true", help="the split of release 0.1 (before per-stratum streams)")
ap.add_argument("--out", type=Path, required=True)
ap.add_argument("--with-extra", action="store_true",
                help="also the fetched extra folders (training/extra_data.py): their test films and the external test")
ap.add_argument("--into-manifest", action="store_true", help="also write the per-source summary into the manifest's metrics")
args = ap.parse_args()
torch.set_num_threads(2)
cfg = Config() if args.with_extra else replace(Config(), extra_data=(), external_sources=())
manifest = json.loads((args.models / "manifest.json").read_text())
[spec] = manifest["models"].values()
topology = json.loads((args.models / spec["path"]).read_text())

# ---------------------------------------------------------------- the shipped graph in the reference executor
graph = Graph(spec["inputName"], manifest["input"]["size"], 1)
graph.nodes = topology["modelTopology"]["node"]
graph.weights = read_weights(args.models / spec["path"])
heads = spec["heads"]
bp_head, ab_head = manifest["bodyPart"]["head"], manifest["routing"]["hand"]["head"]
norm = manifest["input"]["normalization"]


def probabilities(pixels):
    out = {"bodypart": [], "abnormality": []}
    with torch.no_grad():
        for i in range(0, len(pixels), 128):
            x = torch.from_numpy(np.ascontiguousarray(pixels[i:i + 128])).float()[..., None] / 255
            bp, ab = graph.run((x - norm["mean"]) / norm["std"],
                               [heads[bp_head]["outputs"]["logits"], heads[ab_head]["outputs"]["logits"]])
            out["bodypart"].append(torch.softmax(bp, 1).numpy())
            out["abnormality"].append(torch.sigmoid(ab[:, 0]).numpy())
    return {k: np.concatenate(v) for k, v in out.items()}


# ---------------------------------------------------------------- data and split
rows = add_synthetic_rows(read_rows(cfg.data, cfg.extra_data), cfg.synthetic_ood)
split = np.array(split_by_group(rows, replace(cfg, split_scheme="legacy" if args.legacy_split else "per-stratum")))
images = build_cache(cfg, rows)
sources = np.array([r["source"] for r in rows])
names = np.array([r["body_part"] for r in rows])
part = np.array([bodypart_target(n, cfg) for n in names])
abnormal = np.array([int(r["abnormal"]) if r["abnormal"] in ("0", "1") else -1 for r in rows])
test, train = np.flatnonzero(split == "test"), np.flatnonzero(split == "train")
P = probabilities(images[test])
supported = list(range(len(cfg.supported)))
min_conf = manifest["bodyPart"]["minConfidence"]
accepted = lambda p: np.isin(p.argmax(1), supported) & (p.max(1) >= min_conf)  # noqa: E731

report = {"models": manifest["version"], "split": "legacy (release 0.1)" if args.legacy_split else "current",
          "testImages": int(len(test)), "abnormalityBySource": {}, "bodypartBySource": {}}
for name in (*cfg.supported, "humerus", *(("wrist",) if args.with_extra else ())):
    m = (names[test] == name) & (abnormal[test] >= 0)
    p, y, src = P["abnormality"][m], abnormal[test][m], sources[test][m]
    tr = train[(names[train] == name) & (abnormal[train] >= 0)]
    within = within_source_auc(p, y, src, min_per_class=3)
    pooled = auc(p, y)
    t = manifest["thresholds"].get(name, {"high": 0.5})
    report["abnormalityBySource"][name] = {
        "images": int(m.sum()), "pooledAuc": pooled, "withinSource": within, "confounded": confounded(pooled, within),
        "sourceOnlyBaselineAuc": auc(baseline_by_source(sources[tr], abnormal[tr], src), y),
        "sourceSeparation": source_separation(p, y, src, min_n=5),
        "normalsAboveHigh": {s: {"normal": int(((src == s) & (y == 0)).sum()),
                                 "aboveHigh": int(((src == s) & (y == 0) & (p >= t["high"])).sum())}
                             for s in sorted(set(src[y == 0].tolist()))}}

sup_idx = test[np.isin(part[test], supported)]
views = {"film": images[sup_idx], "tight": [], "zoomed": []}
for i in sup_idx:
    crops = frame_filling_crops(load_gray(Path(rows[i]["root"]) / rows[i]["path"]), cfg.size, cfg.pad_value)
    for kind in ("tight", "zoomed"):
        views[kind].append(crops[kind])
for kind, pixels in views.items():
    pb = probabilities(np.asarray(pixels))["bodypart"]
    for s in sorted(set(sources[sup_idx].tolist())):
        m = sources[sup_idx] == s
        report["bodypartBySource"].setdefault(s, {"images": int(m.sum())})[kind] = {
            "accuracy": float((pb[m].argmax(1) == part[sup_idx][m]).mean()),
            "falseRejection": float(1 - accepted(pb[m]).mean())}
external = np.flatnonzero(split == "external")
if len(external):  # the seed project's test pictures: body part and abnormality, never trained on
    pe, y_part, y_abn = probabilities(images[external]), part[external], abnormal[external]
    high = np.array([manifest["thresholds"].get(names[i], {"high": 1.0})["high"] for i in external])
    report["external"] = {
        "images": int(len(external)),
        "bodypartAccuracySupported": float((pe["bodypart"].argmax(1) == y_part).mean()),
        "falseRejectionSupported": float(1 - accepted(pe["bodypart"]).mean()),
        "abnormalityAuc": auc(pe["abnormality"], y_abn),
        "abnormal": int((y_abn == 1).sum()), "normal": int((y_abn == 0).sum()),
        "normalsAboveHigh": int(((y_abn == 0) & (pe["abnormality"] >= high)).sum())}
args.out.mkdir(parents=True, exist_ok=True)
(args.out / "by-source.json").write_text(dumps(report, indent=1))
print(dumps(report, indent=1))
if args.into_manifest:  # the same summary export.py writes for a new run, first among the metrics
    summary = {
        "abnormalityBySource": {p: {"withinSourceAuc": {s: w["auc"] for s, w in a["withinSource"].items()},
                                    "pooledAuc": a["pooledAuc"], "sourceOnlyBaselineAuc": a["sourceOnlyBaselineAuc"],
                                    "confounded": a["confounded"]} for p, a in report["abnormalityBySource"].items()},
        "bodypartBySource": {s: {k: b[k]["accuracy"] for k in ("film", "tight", "zoomed")}
                             for s, b in report["bodypartBySource"].items()}}
    metrics = manifest["metrics"]
    manifest["metrics"] = {"evaluatedOn": metrics.get("evaluatedOn", "") + "; within-source figures first (evaluate_release.py): "
                           "pooled ones mix sources whose labels differ", **summary,
                           **{k: v for k, v in metrics.items() if k not in ("evaluatedOn", *summary)}}
    (args.models / "manifest.json").write_text(dumps(manifest, indent=1))

"""Export a trained, evaluated run to what the app ships: public/models/{bodypart,abnormality}/ graph models,
public/models/manifest.json (the contract, docs/manifest.md), parity goldens for the TypeScript tests, and
docs/MODEL_CARD.md generated from the evaluation report.

    /usr/bin/python3 training/export.py [--run main] [--out public/models] [--report training/reports/report.json]
"""
import argparse
import collections
import csv
import datetime
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from config import REPO, Config, config_from_dict  # noqa: E402
from data import load_dataset, read_rows  # noqa: E402
from model import build_model, feature_stride  # noqa: E402
from jsonio import dumps  # noqa: E402
from report_md import metrics_markdown, num, pct, source_markdown  # noqa: E402
from tfjs_graph import export_network, output_names  # noqa: E402

VERSION = "0.2.0"
ap = argparse.ArgumentParser()
ap.add_argument("--run", default="main")
ap.add_argument("--runs", type=Path, default=Config().runs)
ap.add_argument("--out", type=Path)
ap.add_argument("--report", type=Path)
ap.add_argument("--golden", type=Path, default=REPO / "test" / "fixtures" / "golden")
ap.add_argument("--card", type=Path, default=REPO / "docs" / "MODEL_CARD.md")
ap.add_argument("--compare", nargs="*", default=[], metavar="LABEL=REPORT.json",
                help="other runs' evaluation reports, summarised beside the shipped one in the model card")
args = ap.parse_args()
ck = torch.load(args.runs / args.run / "final.pt")
cfg = config_from_dict(ck["config"])
out = args.out or cfg.models_out
report = json.loads((args.report or cfg.reports / "report.json").read_text())
model = build_model(cfg, len(cfg.bodypart_classes))
model.load_state_dict(ck["model"])
model.eval()

# how this model came to be: the lineage of the export it started from, then this run
lineage = []
if cfg.init_from:
    prior = json.loads((REPO / cfg.init_from.rsplit(":", 1)[0] / "manifest.json").read_text())["training"]
    lineage = prior.get("lineage") or [{"run": prior.get("run", "an earlier export"),
                                        "note": f"exported {prior['date']}, see 'Models compared'"}]
lineage = lineage + [{"run": args.run, "initialisedFrom": cfg.init_from or None, "lr": cfg.lr, "epochs": cfg.epochs,
                      "patience": cfg.patience, "bestEpoch": report["bestEpoch"]}]

# one graph: the backbone once, the body-part and abnormality heads on it, calibration folded into each
MODEL = "radiograph"
heads = {"bodypart": ("softmax", list(cfg.bodypart_classes)), "abnormality": ("sigmoid", ["abnormal"])}
graph = export_network(model, cfg.size, {name: (getattr(model, name), ck["calibration"][name]["scale"],
                                                ck["calibration"][name]["shift"]) for name in heads})
mode = report["quantisation"]["chosen"]
if out.exists():
    shutil.rmtree(out)
names = output_names(heads)
files = graph.save(out / MODEL, {f"{h}_{k}": v for h, o in names.items() for k, v in o.items()}, mode)
entries = {MODEL: {"path": f"{MODEL}/model.json", "quantization": mode, "inputName": "image",
                   "camSize": -(-cfg.size // feature_stride(model)),
                   "heads": {h: {"task": task, "classes": classes, "outputs": names[h]}
                             for h, (task, classes) in heads.items()},
                   "files": files, "bytes": sum((out / f).stat().st_size for f in files)}}

# ---------------------------------------------------------------- provenance
rows = read_rows(cfg.data, cfg.extra_data)
by_source = collections.Counter(r["source"] for r in rows)
licences = sorted({(r["source"], r["licence"]) for r in rows})
licence_by_source = collections.defaultdict(set)
for s, lic in licences:
    licence_by_source[s].add(lic)



def part_summary(name):
    """What a user needs per part (docs/manifest.md `parts`): weak when no within-source test AUC of this part
    reaches cfg.weak_auc (or none can be measured), and what its thresholds did on the labelled test films."""
    within = [w["auc"] for w in report["abnormalityBySource"].get(name, {}).get("withinSource", {}).values()
              if w["auc"] is not None and w["abnormal"] + w["normal"] >= 20]
    d = report["abnormality"][name].get("decisions") or {}
    return {"weak": not within or max(within) < cfg.weak_auc,
            "uncertainShare": d.get("uncertainShare"), "abnormalCallsRight": d.get("abnormalCallsRight"),
            "normalCallsRight": d.get("normalCallsRight"), "testFilms": report["abnormality"][name]["images"]}


parts = {name: part_summary(name) for name in cfg.supported if report["abnormality"][name].get("decisions")}
manifest = {
    "schemaVersion": 2,
    "version": VERSION,
    "createdAt": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "input": {"size": cfg.size, "channels": 1, "grayscale": "bt601", "resize": "letterbox-area",
              "padValue": cfg.pad_value, "normalization": {"mean": cfg.mean, "std": cfg.std},
              "dicom": "voi-window-then-8bit"},
    "bodyPart": {"model": MODEL, "head": "bodypart", "supported": list(cfg.supported),
                 "minConfidence": report["bodypart"]["minConfidence"]},
    "routing": {p: {"model": MODEL, "head": "abnormality", "output": 0} for p in cfg.supported},
    "thresholds": report["thresholds"],
    "models": entries,
    "metrics": {
        "evaluatedOn": f"held-out test split ({report['split']['test']['images']} images, "
                       f"{report['split']['test']['groups']} groups), never used for training or threshold choice; "
                       "within-source figures first: pooled ones mix sources whose labels differ",
        "abnormalityBySource": {part: {"withinSourceAuc": {s: w["auc"] for s, w in r["withinSource"].items()},
                                       "pooledAuc": r["pooledAuc"], "sourceOnlyBaselineAuc": r["sourceOnlyBaselineAuc"],
                                       "confounded": r["confounded"]}
                                for part, r in report["abnormalityBySource"].items()},
        "bodypartBySource": {s: {k: r[k]["accuracy"] for k in ("film", "tight", "zoomed")}
                             for s, r in report["bodypart"]["bySource"].items()},
        "bodypart": {k: report["bodypart"][k] for k in (
            "accuracySupported", "accuracySupportedCI95", "supportedImages", "minConfidence",
            "falseRejectionSupported", "rejectionNonRadiographs", "nonRadiographs", "rejectionOtherRadiographs")},
        "abnormality": {part: {k: v for k, v in m.items() if not isinstance(v, list) or k.endswith("CI95")}
                        for part, m in report["abnormality"].items()},
        "calibrationEce": report["calibration"]["ece"],
        "thresholdBasis": report["thresholdBasis"],
    },
    "training": {"run": args.run, "date": report["date"], "images": len(rows), "bySource": dict(by_source),
                 "split": report["split"], "bestEpoch": report["bestEpoch"],
                 "architecture": (f"residual CNN {list(cfg.widths)}" if cfg.backbone == "residual" else
                                  f"ImageNet-pretrained {cfg.backbone} (one-channel stem: the RGB kernel summed)")
                                 + f", {cfg.size}px grayscale, one graph: the backbone runs once, two heads (body part, "
                                 "abnormality), calibrated on validation",
                 "abnormalityLoss": f"balanced within each (source, part); single-label sources: {cfg.single_label_sources}",
                 **({"initialisedFrom": cfg.init_from} if cfg.init_from else {}),
                 "lineage": lineage,
                 "code": "training/ (train.py, evaluate.py, export.py)"},
    "parts": parts,
    "licences": [{"what": s, "licence": "; ".join(sorted(v))} for s, v in sorted(licence_by_source.items())]
    + ([{"what": f"ImageNet-pretrained {cfg.backbone} weights (Google, tensorflow/models)",
         "licence": "Apache-2.0; trained on ImageNet (ILSVRC-2012), whose images are licensed for non-commercial research"}]
       if cfg.backbone != "residual" else []),
    "limitations": [
        "Not a medical device; not for clinical use.",
        "Trained on open data, not on MURA's elbow/hand/shoulder: elbow has only 21 labelled normal images, "
        "most abnormal shoulders are implants; see docs/MODEL_CARD.md.",
        "Finger, wrist, forearm, humerus and other regions are rejected as unsupported, not analysed.",
        *([f"Weak parts (no within-source test AUC of at least {cfg.weak_auc} on 20 or more films): "
           + ", ".join(p for p, v in parts.items() if v["weak"]) + "; their results are marked as such."]
          if any(v["weak"] for v in parts.values()) else []),
        "Abnormality within one source (the figures a source shortcut cannot inflate): AUC " + ", ".join(
            f"{w['auc']:.2f} {part} ({src}, {w['abnormal']}/{w['normal']} test films)"
            for part, r in report["abnormalityBySource"].items() for src, w in r["withinSource"].items()
            if w["abnormal"] + w["normal"] >= 20) + ": a weak second look, not a fracture detector.",
    ],
    "intendedUse": "Education and a quick second look at elbow, hand and shoulder radiographs, on the user's own device.",
}
(out / "manifest.json").write_text(dumps(manifest, indent=1))
total = sum(e["bytes"] for e in entries.values())
print(f"wrote {out} ({total / 1e6:.2f} MB of models)")

# ---------------------------------------------------------------- parity goldens
# Real CC BY 4.0 radiographs from the test split (and a generated non-radiograph), preprocessed by the
# training code; the TypeScript parity test feeds the same pixels to the shipped graphs.
ds = load_dataset(cfg)
split, part = ds["split"], ds["part"]
picks = []
for k, name in enumerate(cfg.supported):
    for src in ("fracatlas", "shoulder-implant"):
        cand = [i for i in np.flatnonzero((split == "test") & (part == k)) if ds["rows"][i]["source"] == src]
        picks += cand[:2]
picks += [i for i in np.flatnonzero(split == "test") if ds["rows"][i]["source"] == "fracatlas"
          and ds["rows"][i]["body_part"] == "leg"][:1]
picks += [i for i in np.flatnonzero(split == "test") if ds["rows"][i]["source"] == "synthetic"][:1]
if args.golden.exists():
    shutil.rmtree(args.golden)
args.golden.mkdir(parents=True)
cases = []
for i in picks:
    r = ds["rows"][i]
    fname = f"{len(cases):02d}-{r['body_part']}.png"
    Image.fromarray(np.asarray(ds["images"][i])).save(args.golden / fname)
    x = (torch.from_numpy(np.array(ds["images"][i])).float()[None, ..., None] / 255 - cfg.mean) / cfg.std
    case = {"file": fname, "path": r["path"], "source": r["source"], "licence": r["licence"],
            "bodyPart": r["body_part"], "outputs": {}}
    for name in heads:
        shipped_logits, shipped_cam = graph.run(x, [f"{name}/logits", f"{name}/cam"], graph.quantised(mode)[1])
        float_logits = graph.run(x, [f"{name}/logits"])[0]
        case["outputs"][name] = {"logits": shipped_logits[0].tolist(), "floatLogits": float_logits[0].tolist(),
                                 "camSum": float(shipped_cam.sum())}
    cases.append(case)
(args.golden / "golden.json").write_text(dumps({"size": cfg.size, "cases": cases}, indent=1))
print(f"wrote {len(cases)} parity goldens to {args.golden}")

# ---------------------------------------------------------------- model card
def comparison_lines():
    """Other models measured the same way on the same test split: another run's report (evaluate.py) or the
    evaluation of a shipped release (evaluate_release.py)."""
    if not args.compare:
        return []
    runs = [("shipped: " + args.run, report)] + [
        (label, json.loads(Path(path).read_text())) for label, path in (c.split("=", 1) for c in args.compare)]
    keys = [(part, src) for part, r in report["abnormalityBySource"].items() for src in r["withinSource"]]
    film_sources = [s for s in ("fracatlas", "roboflow-mura") if s in report["bodypart"]["bySource"]]

    def row(label, rep):
        aucs = [rep["abnormalityBySource"].get(p, {}).get("withinSource", {}).get(s, {}).get("auc") for p, s in keys]
        by_source = rep.get("bodypartBySource") or rep["bodypart"]["bySource"]
        films = [f"{pct(by_source.get(s, {}).get('film', {}).get('accuracy'))} / "
                 f"{pct(by_source.get(s, {}).get('zoomed', {}).get('accuracy'))}" for s in film_sources]
        normals = rep["abnormalityBySource"].get("humerus", {}).get("normalsAboveHigh", {}).get("mura-humerus")
        seps = [abs(q["auc"] - 0.5) + 0.5 for r in rep["abnormalityBySource"].values() for q in r["sourceSeparation"]
                if q["auc"] is not None]
        ext = rep.get("external") or {}
        cells = [label, *(num(a) for a in aucs), *films,
                 f"{normals['aboveHigh']} of {normals['normal']}" if normals else "n/a",
                 f"{pct(ext.get('bodypartAccuracySupported'))} / {num(ext.get('abnormalityAuc'))}",
                 num(max(seps)) if seps else "n/a"]
        return "| " + " | ".join(cells) + " |"
    return ["## Models compared", "",
            "The same evaluation of other models on the same test split (release 0.1's split of `../shared/data/xray`; "
            "the fetched films split per stratum after it):", "",
            "| model | " + " | ".join(f"{p} {s} AUC" for p, s in keys)
            + " | " + " | ".join(f"body part {s} film / zoomed" for s in film_sources)
            + " | normal MURA humerus above high | seed's test pictures: body part / AUC | max source separation |",
            "|---" * (len(keys) + len(film_sources) + 4) + "|",
            *[row(label, rep) for label, rep in runs],
            "", "Max source separation: the largest separation AUC (folded to >= 0.5) of the abnormality score between "
            "two sources at equal labels; 0.5 would mean the score never reveals the source.", ""]


def probe_lines():
    """The frozen-feature linear probe (training/probe.py) beside this run's within-source test AUCs."""
    path = cfg.reports / "probe" / "report.json"
    if not path.exists():
        return []
    probe = json.loads(path.read_text())
    keys = [k for k in ("mura-humerus/humerus", "fracatlas/hand", "fracatlas/elbow", "fracatlas/forearm",
                        "gh-lucasbui92-musculoskeletal-xray-classification/wrist") if k in probe["strata"]]
    ours = {f"{src}/{part}": w["auc"] for part, r in report["abnormalityBySource"].items()
            for src, w in r["withinSource"].items()}
    return ["Frozen-feature linear probe (`training/probe.py`): " + probe["what"] + ". Within-source test AUC per "
            "backbone and input size, beside this run (fine-tuned, one head for all parts):", "",
            "| model | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|",
            *[f"| probe {c} | " + " | ".join(num(r["withinSourceTestAuc"].get(k, {}).get("auc")) for k in keys) + " |"
              for c, r in probe["configs"].items()],
            f"| **this run** ({cfg.backbone}@{cfg.size}) | " + " | ".join(num(ours.get(k)) for k in keys) + " |", ""]


lines = [
    "# BoneLens model card", "",
    f"Generated by `training/export.py` from `training/reports/report.json` on {report['date']} (models v{VERSION}).",
    "Every number below was measured on the held-out test split, which was used for nothing else.", "",
    "## Intended use", manifest["intendedUse"],
    "Not a medical device, not for clinical use: it gives a second look for learning and curiosity, never a diagnosis.", "",
    "## Misuse", "- Triage, diagnosis or any clinical decision.",
    "- Body parts other than elbow, hand and shoulder (they are rejected, by design), children's growth plates, CT/MRI.", "",
    "## Models", "",
    "| model | heads | quantisation | size |", "|---|---|---|---|",
    *[f"| {n} | " + "; ".join(f"{h}: {hs['task']} over {', '.join(hs['classes'])}" for h, hs in e["heads"].items())
      + f" | {e['quantization']} | {e['bytes'] / 1e6:.2f} MB |" for n, e in entries.items()], "",
    f"Architecture: {manifest['training']['architecture']}. Input {cfg.size}x{cfg.size} grayscale, letterboxed, "
    f"normalised (v/255 - {cfg.mean}) / {cfg.std}. Each head also outputs its class-activation map (the heatmap). "
    f"Abnormality loss: {manifest['training']['abnormalityLoss']}.",
    "Quantisation of the one graph was picked on validation data (largest probability change against float32, share "
    "of unchanged decisions, per head): " + "; ".join(
        f"{m}: " + ", ".join(f"{h} {t['maxAbsProbabilityError']:.3f} / {pct(t['sameDecision'])}" for h, t in heads_t.items())
        for m, heads_t in report["quantisation"]["trials"].items()) + f" -> {report['quantisation']['chosen']}"
    + (f"; with it {pct(report['quantisation']['decisionsChanged'])} of the validation films' shown decisions "
       "(unsupported / normal / uncertain / abnormal) differ from float32's" if "decisionsChanged" in report["quantisation"] else "")
    + ". The TF.js parity tests hold the shipped graph to these figures.", "",
    "## Data", "",
    f"{len(rows)} images from `../shared/data/xray` (see its README)"
    + (" and the fetched MURA-style cache (`training/extra_data.py`)" if any(r["source"].startswith("gh-") for r in rows) else "")
    + ", split by patient/group into "
    + ", ".join(f"{s} {v['images']} images / {v['groups']} groups" for s, v in report["split"].items())
    + f" plus {cfg.synthetic_ood} generated blank/noise/pattern images as non-radiographs.", "",
    "| source | images | licence |", "|---|---|---|",
    *[f"| {s} | {by_source[s]} | {'; '.join(sorted(licence_by_source[s]))} |" for s in sorted(by_source)], "",
    "MURA-derived images (mura-humerus, roboflow-mura and the `gh-*` sources) are under Stanford's MURA research-use "
    "terms: the trained weights are for research and education; no MURA image is redistributed with the app.", "",
    "The `gh-*` sources are MURA films (and, for the external test only, the seed project's test pictures) that public "
    "GitHub repositories commit; `training/extra_data.py` rebuilds them from fetched snapshots into the gitignored "
    "`training/cache/extra/` with their own manifest (origin = repository:path@commit, labels from MURA's "
    "study_positive/negative paths or the repository's folder names, as `label_basis` says), removing copies of each "
    "other and of the shared set. Only "
    f"{sum(r['source'].startswith('gh-') and r['source'] not in cfg.external_sources and r['body_part'] in cfg.supported for r in rows)} "
    "of the films trained on are elbow/hand/shoulder films: the public copies of MURA's elbow, hand and shoulder folders are all "
    "larger than a snapshot may be. Repositories without a licence file are used "
    "for research only, as MURA's terms allow, and nothing of them is redistributed.", "",
    f"Abnormality loss: {manifest['training']['abnormalityLoss']}. A (source, part) whose images all carry one "
    "label (roboflow-mura's boxed fractures, the shoulder implants) teaches 'this source is abnormal' and nothing "
    "about pathology, so the shipped run leaves it out of the abnormality loss (it still trains the body part); "
    "'Models compared' measures the other choice where a run made it.", "",
    *(["Pretrained weights: none were obtainable here in a form our exporter takes. "
       + (f"This run started from an exported BoneLens model (`{cfg.init_from}`: that head's backbone), not from "
          "random weights; the chain (the manifest's training.lineage, and 'Retrain' below) goes back to release 0.1, "
          "trained from scratch on this data. 'Models compared' shows the steps."
          if cfg.init_from else "This model is trained from scratch."), ""] if cfg.backbone == "residual" else [
      f"Pretrained weights: Google's ImageNet {cfg.backbone} (`../shared/pretrained/`, Apache-2.0; ImageNet's images are "
      "licensed for non-commercial research), ported to PyTorch by `training/mobilenet.py` (TensorFlow's SAME padding, "
      "batch norm folded in the originals; the unit test reproduces the ImageNet top-5 of its check pictures). The RGB stem "
      "is summed over its input channels for one-channel radiographs; input scaled to [-1, 1] as the network was trained. "
      "Each conv got a batch norm, recalibrated on 256 training radiographs (the same function, radiograph statistics). "
      f"The first {cfg.frozen_layers} of {len(model.layers)} layers (to 1/16 of the input size) stay frozen: their output "
      f"was computed once for {cfg.trunk_views} augmented views of each training film (crops, frame-filling crops, rotation, "
      "flips, exposure, inversion), and the remaining layers were fine-tuned at "
      f"{cfg.backbone_lr_scale:g}x the heads' learning rate ({cfg.lr:g}), because this project trains on 2 CPU cores. ", "",
      *probe_lines()]),
    *source_markdown(report),
    *comparison_lines(),
    *metrics_markdown(report, "../training/reports/"),
    "For reference, MURA's DenseNet-169 baseline reached Cohen's kappa 0.71 (elbow), 0.85 (hand), 0.73 (shoulder) on "
    "MURA's own test set; our numbers are on a different, much smaller and differently labelled set and are not "
    "directly comparable.", "",
    "## Known failure modes and limits of the data", "",
    "- Elbow: 21 labelled normal images in the whole data set (all FracAtlas), so elbow AUC/kappa CIs are wide or "
    "undefined and no MURA-style normal elbow exists to train on; the hidden MURA-style elbow studies are the real test.",
    "- Within-source AUCs are the honest figures but rest on few images per source (see the counts); pooled figures "
    "mix sources whose label mix differs and are flagged when they beat every within-source figure.",
    "- Shoulder: most abnormal shoulders are total-shoulder-arthroplasty implants (250 px source images): the model "
    "may learn 'implant' rather than fracture; subtle shoulder fractures are under-represented.",
    "- Body-part labels of FracAtlas upper-limb images were read by eye (readers agreed on 77-91%); shoulder vs "
    "humerus and wrist vs forearm are the confusable pairs.",
    "- FracAtlas has no patient ids: images of one patient may sit in different splits, which can flatter the numbers.",
    "- Roboflow-MURA images without a box have unknown abnormality and were not used for abnormality.",
    "- Paediatric images, casts, and unusual projections are rare in the data.", "",
    "## Retrain", "",
    "```", "sudo apt-get install python3-torch python3-torchvision python3-pil python3-numpy python3-matplotlib",
    "bash training/run.sh                     # train -> evaluate -> export on ../shared/data/xray",
    "bash training/run.sh --data /path/to/MURA-v1.1   # the same on MURA's own layout", "```",
    "Elsewhere: `pip install torch torchvision pillow numpy matplotlib` gives the same stack.",
    *([f"This model continued from an earlier export; `run.sh` alone trains from random weights. The steps, each "
       "from the export of the one before (`training/export.py --run <run> --out <folder>`), with training/ as it "
       "was at that run (git history, where the shipped models are too):", "",
       *[f"{k + 1}. `{step['run']}`" + (f": `bash training/run.sh --run {step['run']} --init-from {step['initialisedFrom']}"
                                         f" --lr {step['lr']:g} --epochs {step['epochs']} --patience {step['patience']}`"
                                         if "lr" in step else f" ({step['note']})")
         for k, step in enumerate(lineage)], ""]
      if cfg.init_from else []),
]
args.card.parent.mkdir(parents=True, exist_ok=True)
args.card.write_text("\n".join(lines) + "\n")
print(f"wrote {args.card}")

"""The metrics of an evaluation report as markdown: shared by training/reports/report.md and the model card."""
import json


def pct(v):
    return "n/a" if v is None else f"{100 * v:.1f}%"


def ci(c):
    return "" if not c or c[0] is None else f" (95% CI {c[0]:.3f}–{c[1]:.3f})"


def num(v):
    return "n/a" if v is None else f"{v:.3f}"


def operating_points_markdown(bp):
    if "operatingPoints" not in bp:
        return []
    return [
        "What accepting more films would cost: the unsupported classes' logits lowered by a shift (0: the shipped "
        "rule); supported accuracy and false rejection against other radiographs rejected, validation and test:", "",
        "| shift | val: supported right / falsely rejected / others rejected | test: supported right / falsely rejected / others rejected |",
        "|---|---|---|",
        *[f"| {op['unsupportedLogitShift']:g} | " + " | ".join(
            f"{pct(op[s]['accuracySupported'])} / {pct(op[s]['falseRejectionSupported'])} / "
            f"{pct(op[s]['rejectionOtherRadiographs'])}" for s in ("val", "test")) + " |" for op in bp["operatingPoints"]],
        ""]


def metrics_markdown(report, plots: str):
    """`plots`: the path prefix from the markdown file to training/reports/."""
    bp = report["bodypart"]
    cfg = report["config"]
    lines = [
        "## Body part (stage 1)", "",
        f"- Accuracy on supported radiographs (elbow/hand/shoulder): **{pct(bp['accuracySupported'])}**"
        f"{ci(bp['accuracySupportedCI95'])}, n = {bp['supportedImages']}.",
        f"- Rejection rule: argmax must be a supported part with probability >= {bp['minConfidence']} (chosen on "
        f"validation to keep false rejections <= {pct(cfg['max_ood_false_reject'])}).",
        f"- False rejection of supported radiographs: **{pct(bp['falseRejectionSupported'])}**.",
        f"- Non-radiographs rejected: **{pct(bp['rejectionNonRadiographs'])}** of {bp['nonRadiographs']} real ones"
        f" (generated blank/noise: {pct(bp['rejectionSynthetic'])}).",
        f"- Other radiographs rejected: **{pct(bp['rejectionOtherRadiographs'])}** of {bp['otherRadiographs']}; by "
        "region: " + ", ".join(f"{k} {pct(v)}" for k, v in bp["rejectionByRegion"].items()) + ".", "",
        *operating_points_markdown(bp),
        "Confusion on the test split (rows: reference, columns: prediction; " + ", ".join(bp["classes"]) + "):", "",
        "| | " + " | ".join(bp["classes"]) + " |", "|---" * (len(bp["classes"]) + 1) + "|",
        *[f"| {c} | " + " | ".join(str(v) for v in row) + " |" for c, row in zip(bp["classes"], bp["confusion"])], "",
        f"![confusion]({plots}confusion.png)", "",
        "## Abnormality (stage 2)", "",
        "One abnormality head shared by all parts (the data README's advice: elbow has 21 labelled normals). "
        + ("Thresholds per part, chosen on validation only so that at least "
           f"{pct(cfg['decision_precision'])} of the normal calls and of the abnormal calls are right while as many films "
           "as possible get a call (p < low: normal, p >= high: abnormal, in between: `uncertain`):"
           if cfg.get("decision_precision") else
           "Thresholds per part (low: high-sensitivity point, high: high-specificity point; between them `uncertain`), "
           "chosen on validation only:"), "",
        "| part | low | high | basis |", "|---|---|---|---|",
        *[f"| {p} | {t['low']:.3f} | {t['high']:.3f} | {report['thresholdBasis'][p]} |"
          for p, t in report["thresholds"].items()], "",
        "| part (test) | images (abn/norm) | AUC (95% CI, bootstrap by patient) | sens/spec at low | sens/spec at high "
        "| kappa image (95% CI) | kappa study | ECE |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p, m in report["abnormality"].items():
        if "auc" not in m:
            lines.append(f"| {p} | {m['images']} ({m['abnormal']}/{m['normal']}) | {m.get('note', '')} | | | | | |")
            continue
        lines.append(f"| {p} | {m['images']} ({m['abnormal']}/{m['normal']}) | {num(m['auc'])}{ci(m['aucCI95'])} | "
                     f"{pct(m['sensitivityAtLow'])} / {pct(m['specificityAtLow'])} | "
                     f"{pct(m['sensitivityAtHigh'])} / {pct(m['specificityAtHigh'])} | "
                     f"{num(m['kappaImage'])}{ci(m['kappaImageCI95'])} | {num(m['kappaStudy'])} | {num(m['ece'])} |")
    if any("decisions" in m for m in report["abnormality"].values()):
        lines += ["", "What the thresholds do on the test split: the share of labelled films that get a call (normal or "
                  "abnormal, not uncertain), and how often each kind of call is right:", "",
                  "| part (test) | films | decided | decided calls right | abnormal calls right | normal calls right |",
                  "|---|---|---|---|---|---|"]
        for p, m in report["abnormality"].items():
            d = m.get("decisions")
            if d:
                lines.append(f"| {p} | {d['films']} | {pct(d['decidedShare'])} | {pct(d['decidedAccuracy'])} | "
                             f"{pct(d['abnormalCallsRight'])} ({d['abnormalCalls']}) | "
                             f"{pct(d['normalCallsRight'])} ({d['normalCalls']}) |")
        if report.get("decisions"):
            d = report["decisions"]
            lines += ["", f"All {d['films']} labelled elbow/hand/shoulder test films, each with its part's thresholds: "
                      f"**{pct(d['decidedShare'])} decided**, **{pct(d['decidedAccuracy'])} of the decided calls right** "
                      f"(abnormal calls {pct(d['abnormalCallsRight'])}, normal calls {pct(d['normalCallsRight'])}). "
                      "These films mix sources, and some sources hold one label only (implants, boxed fractures): the "
                      "within-source figures above are the ones a source cannot flatter."]
    lines += [
        "", "Kappa: Cohen's kappa of (probability >= 0.5) against the reference; study level uses the mean of the "
        "study's images (MURA's rule).", "",
        f"Calibration (elbow+hand+shoulder test images): ECE **{num(report['calibration']['ece'])}** after calibration "
        f"on validation (logits * scale + shift per head: {json.dumps(report['headCalibration'])}).", "",
        f"![reliability]({plots}reliability.png)", "",
    ]
    return lines


def source_markdown(report):
    """The numbers a source shortcut cannot fool, first: within-source AUCs beside the source-only baseline,
    whether the score separates sources at equal labels, normal films above `high`, body part by source."""
    lines = [
        "## Within each source (read these first)", "",
        "Labels in the data are confounded with sources (most normal elbows/shoulders are FracAtlas films, most "
        "abnormal ones MURA pixels or implants), so a pooled AUC can measure the source, not the pathology. Below: the "
        "AUC within every source that has both labels, the pooled AUC, and the source-only baseline (each image scored "
        "by the abnormal rate of its source in training; within one source it is 0.5 by construction). A pooled AUC "
        "above every within-source AUC is flagged **confounded**. Humerus and wrist are not shipped parts: they are MURA "
        "films with both labels, a check of the pipeline against MURA's own task (pooled thresholds).", "",
        "| part | source | test images (abn/norm) | AUC (95% CI, bootstrap by patient) |", "|---|---|---|---|",
    ]
    for part, r in report["abnormalityBySource"].items():
        for src, w in r["withinSource"].items():
            lines.append(f"| {part} | {src} | {w['abnormal'] + w['normal']} ({w['abnormal']}/{w['normal']}) | "
                         f"**{num(w['auc'])}**{ci(w.get('aucCI95'))} |")
        if not r["withinSource"]:
            lines.append(f"| {part} | (no source with >= 3 of each label in test) | | |")
        flag = " — **confounded**: above every within-source AUC" if r["confounded"] else ""
        lines.append(f"| {part} | all sources pooled | {r['images']} | {num(r['pooledAuc'])}{flag} |")
        lines.append(f"| {part} | source-only baseline | {r['images']} | {num(r['sourceOnlyBaselineAuc'])} |")
    lines += ["", "Does the score tell sources apart at equal labels? AUC of the abnormality score separating source A "
              "from source B among images with the same label (0.5: not at all; near 0 or 1: the score encodes the "
              "source). Test split, pairs with >= 5 images each:", "",
              "| part | label | source A vs source B | separation AUC | mean p (A / B) |", "|---|---|---|---|---|"]
    any_pair = False
    for part, r in report["abnormalityBySource"].items():
        for q in r["sourceSeparation"]:
            any_pair = True
            lines.append(f"| {part} | {q['label']} | {q['sourceA']} ({q['nA']}) vs {q['sourceB']} ({q['nB']}) | "
                         f"{num(q['auc'])} | {num(q['meanA'])} / {num(q['meanB'])} |")
    if not any_pair:
        lines.append("| | | no part has two sources with >= 5 images of one label in test | | |")
    lines += ["", "Normal films at or above the part's `high` threshold (called abnormal), by source:", "",
              "| part | source | normal films | above high | mean p |", "|---|---|---|---|---|"]
    for part, r in report["abnormalityBySource"].items():
        for src, n in r["normalsAboveHigh"].items():
            lines.append(f"| {part} | {src} | {n['normal']} | {n['aboveHigh']} ({pct(n['aboveHigh'] / max(n['normal'], 1))}) "
                         f"| {num(n['meanProbability'])} |")
    lines += ["", "Body part by source, on supported test radiographs as they are (film) and on frame-filling crops of "
              "the same films (tight: the film's content box; zoomed: the central 70% of it, the bone filling the frame, "
              "like MURA's films):", "",
              "| source | images | film | tight crop | zoomed crop | false rejection (film / zoomed) |",
              "|---|---|---|---|---|---|"]
    for src, r in report["bodypart"]["bySource"].items():
        lines.append(f"| {src} | {r['images']} | " + " | ".join(
            f"{pct(r[k]['accuracy'])}{ci(r[k]['accuracyCI95'])}" for k in ("film", "tight", "zoomed"))
            + f" | {pct(r['film']['falseRejection'])} / {pct(r['zoomed']['falseRejection'])} |")
    ext = report.get("external")
    if ext:
        lines += ["", f"External test: the seed project's own test pictures ({', '.join(ext['sources'])}: {ext['images']} "
                  "elbow/hand/shoulder films after removing copies; labels from its folder names, not a radiologist; "
                  "never trained on):", "",
                  f"- Body part right on {pct(ext['bodypartAccuracySupported'])}, rejected {pct(ext['falseRejectionSupported'])}.",
                  f"- Abnormality AUC {num(ext['abnormalityAuc'])} ({ext['abnormal']} abnormal / {ext['normal']} normal); "
                  f"normal films at or above `high`: {ext['normalsAboveHigh']} of {ext['normal']}.", "",
                  "| film | reference | called | p(abnormal) |", "|---|---|---|---|",
                  *[f"| {c['path'].split('/')[-1]} | {c['bodyPart']}, {'abnormal' if c['abnormal'] == 1 else 'normal'} | "
                    f"{c['predictedPart']} | {c['abnormalProbability']:.2f} |" for c in ext["cases"]]]
    return lines + [""]

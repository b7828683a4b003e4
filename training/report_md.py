"""The metrics of an evaluation report as markdown: shared by training/reports/report.md and the model card."""
import json


def pct(v):
    return "n/a" if v is None else f"{100 * v:.1f}%"


def ci(c):
    return "" if not c or c[0] is None else f" (95% CI {c[0]:.3f}–{c[1]:.3f})"


def num(v):
    return "n/a" if v is None else f"{v:.3f}"


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
        "Confusion on the test split (rows: reference, columns: prediction; " + ", ".join(bp["classes"]) + "):", "",
        "| | " + " | ".join(bp["classes"]) + " |", "|---" * (len(bp["classes"]) + 1) + "|",
        *[f"| {c} | " + " | ".join(str(v) for v in row) + " |" for c, row in zip(bp["classes"], bp["confusion"])], "",
        f"![confusion]({plots}confusion.png)", "",
        "## Abnormality (stage 2)", "",
        "One abnormality head shared by all parts (the data README's advice: elbow has 21 labelled normals). "
        "Thresholds per part (low: high-sensitivity point, high: high-specificity point; between them `uncertain`), "
        "chosen on validation only:", "",
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
    lines += [
        "", "Kappa: Cohen's kappa of (probability >= 0.5) against the reference; study level uses the mean of the "
        "study's images (MURA's rule).", "",
        f"Calibration (elbow+hand+shoulder test images): ECE **{num(report['calibration']['ece'])}** after calibration "
        f"on validation (logits * scale + shift per head: {json.dumps(report['headCalibration'])}).", "",
        f"![reliability]({plots}reliability.png)", "",
    ]
    return lines

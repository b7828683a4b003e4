// What the calibration report says, as plain lines per body part: counts, the curve's area with its interval,
// and what the shipped and the chosen thresholds do. Built from the figures only: no image, no file name, no
// path can reach it (LabelledResult holds none), so the report can be shared.
import { imageCasesOf, studyCasesOf, type Calibration, type LabelledResult } from '../pipeline/calibration';
import type { Thresholds } from '../pipeline/manifest';
import { operatingPoint, type OperatingPoint, type RocPoint } from '../pipeline/roc';

export interface ReportPart {
  part: string;
  roc: RocPoint[];
  studyRoc: RocPoint[] | null;
  shipped: Thresholds;
  chosen: Thresholds | null;
  lines: string[];
  warnings: string[];
}

export interface CalibrationReportContent {
  title: string;
  lines: string[];
  parts: ReportPart[];
  footer: string;
}

const pct = (value: number | null) => (value === null ? 'n/a' : `${Math.round(value * 100)}%`);
const two = (value: number) => value.toFixed(2);

/** "caught 80%, cleared 70%, decided 60%" */
export function pointWords(point: OperatingPoint): string {
  return `abnormal caught ${pct(point.sensitivity)}, normal cleared ${pct(point.specificity)}, decided ${pct(point.decided)}`;
}

export function thresholdWords(t: Thresholds): string {
  return t.low === t.high ? `${two(t.low)} (no uncertain band)` : `${two(t.low)}–${two(t.high)}`;
}

export function aucWords(auc: number | null, interval: [number, number] | null): string {
  if (auc === null) return 'area under the curve: needs both normal and abnormal cases';
  return `area under the curve ${two(auc)}${interval ? ` (95% interval ${two(interval[0])}–${two(interval[1])})` : ''}`;
}

export function calibrationReportContent(
  calibration: Calibration,
  cases: readonly LabelledResult[],
  chosen: Record<string, Thresholds>,
  now = new Date(),
): CalibrationReportContent {
  const parts = calibration.parts.map((part): ReportPart => {
    const mine = chosen[part.part] ?? null;
    const { images, studies } = part;
    const lines = [
      `Images: ${images.counts.normal} normal, ${images.counts.abnormal} abnormal; ${aucWords(images.auc, images.aucInterval)}.`,
      `Shipped thresholds ${thresholdWords(part.shipped)}: ${pointWords(images.atShipped)}.`,
    ];
    if (mine) lines.push(`Chosen thresholds ${thresholdWords(mine)}: ${pointWords(operatingPoint(imageCasesOf(cases, part.part), mine))}.`);
    if (studies) {
      lines.push(`Studies (mean of views): ${studies.counts.normal} normal, ${studies.counts.abnormal} abnormal; ${aucWords(studies.auc, studies.aucInterval)}.`);
      if (mine) lines.push(`Studies at the chosen thresholds: ${pointWords(operatingPoint(studyCasesOf(cases, part.part), mine))}.`);
    }
    if (part.otherPartInLabels) lines.push(`${part.otherPartInLabels} image(s) were labelled as another body part than the model read.`);
    return { part: part.part, roc: images.roc, studyRoc: studies?.roc ?? null, shipped: part.shipped, chosen: mine, lines, warnings: part.warnings };
  });
  const { unsupported, failed } = calibration.notAssessed;
  return {
    title: 'BoneLens calibration report',
    lines: [
      `Models ${calibration.modelVersion}; made ${now.toISOString().slice(0, 10)} on this device from the site's own labelled cases.`,
      ...(unsupported || failed ? [`Not assessed: ${unsupported} image(s) not a supported radiograph, ${failed} unreadable.`] : []),
    ],
    parts,
    footer: 'Not a medical device. Not for clinical use. Figures from few cases are uncertain; the intervals say how much.',
  };
}

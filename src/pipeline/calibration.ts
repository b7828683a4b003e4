// How the model does on a site's own labelled cases, per body part: counts, ROC, AUC with its bootstrap
// interval, and what the shipped (and the site's) thresholds do; per image and, where the layout names
// studies, per study (mean of its views, as src/pipeline/study.ts). Shared by the app's Calibrate page and
// `npm run predict -- --calibrate`. Nothing here holds a file name, so a report made from it has none.
import type { Manifest, Thresholds } from './manifest';
import type { CaseLabel } from './labelled-cases';
import { aucInterval, aucOf, operatingPoint, rocCurve, type OperatingPoint, type RocPoint, type ScoredCase } from './roc';
import { SITE_THRESHOLDS_FORMAT, SITE_THRESHOLDS_VERSION, type SiteThresholds } from './site-thresholds';
import { studyProbability } from './study';
import { thresholdsForRule, type ThresholdRule } from './threshold-rules';
import type { ImageResult } from './types';

/** Below this many cases of a label in a part, thresholds set there are not trustworthy (we warn). */
export const MIN_CASES_PER_LABEL = 20;

/** The rule the app and the CLI start from: 90% of abnormal calls and 90% of normal calls right. */
export const DEFAULT_RULE: ThresholdRule = { abnormalCallsRight: 0.9, normalCallsRight: 0.9 };

/** One analysed labelled image (a multi-frame file gives one per frame, all with its label). */
export interface LabelledResult {
  label: CaseLabel;
  result: Pick<ImageResult, 'bodyPart' | 'abnormalProbability' | 'decision'>;
}

export interface LevelFigures {
  counts: { normal: number; abnormal: number };
  auc: number | null;
  /** bootstrap 95% interval of the AUC */
  aucInterval: [number, number] | null;
  roc: RocPoint[];
  atShipped: OperatingPoint;
  /** at the site's thresholds, when the part has them */
  atSite: OperatingPoint | null;
}

export interface PartCalibration {
  part: string;
  shipped: Thresholds;
  site: Thresholds | null;
  images: LevelFigures;
  /** null when the layout names no studies */
  studies: LevelFigures | null;
  /** images whose folder or CSV names another body part than the model read */
  otherPartInLabels: number;
  warnings: string[];
}

export interface Calibration {
  modelVersion: string;
  parts: PartCalibration[];
  /** labelled images the model did not assess: not a supported radiograph, or unreadable */
  notAssessed: { unsupported: number; failed: number };
}

export function levelFigures(cases: readonly ScoredCase[], shipped: Thresholds, site: Thresholds | null): LevelFigures {
  const abnormal = cases.filter((c) => c.abnormal).length;
  return {
    counts: { normal: cases.length - abnormal, abnormal },
    auc: aucOf(cases),
    aucInterval: aucInterval(cases),
    roc: rocCurve(cases),
    atShipped: operatingPoint(cases, shipped),
    atSite: site ? operatingPoint(cases, site) : null,
  };
}

function warningsFor(part: string, counts: LevelFigures['counts']): string[] {
  const warnings: string[] = [];
  for (const label of ['abnormal', 'normal'] as const) {
    const n = counts[label];
    if (n === 0) warnings.push(`No ${label} ${part} images: the curve and its area need both normal and abnormal cases.`);
    else if (n < MIN_CASES_PER_LABEL) {
      warnings.push(`Only ${n} ${label} ${part} image${n === 1 ? '' : 's'}: at least ${MIN_CASES_PER_LABEL} of each are needed to set thresholds responsibly.`);
    }
  }
  return warnings;
}

/**
 * The figures per assessed body part (in the manifest's order). Images are grouped by the part the model read,
 * as a decision would be; `site` adds the figures at the site's thresholds.
 */
export function calibrate(cases: readonly LabelledResult[], manifest: Manifest, site: SiteThresholds | null = null): Calibration {
  const notAssessed = { unsupported: 0, failed: 0 };
  const byPart = new Map<string, LabelledResult[]>();
  for (const item of cases) {
    const { bodyPart, abnormalProbability, decision } = item.result;
    if (bodyPart === null || abnormalProbability === null) {
      if (decision === 'unsupported') notAssessed.unsupported++;
      else notAssessed.failed++;
      continue;
    }
    byPart.set(bodyPart, [...(byPart.get(bodyPart) ?? []), item]);
  }
  const parts = manifest.bodyPart.supported.filter((part) => byPart.has(part)).map((part): PartCalibration => {
    const items = byPart.get(part)!;
    const shipped = manifest.thresholds[part];
    const siteThresholds = site?.parts[part] ? { low: site.parts[part].low, high: site.parts[part].high } : null;
    const images = levelFigures(
      items.map(({ label, result }) => ({ probability: result.abnormalProbability!, abnormal: label.label === 'abnormal' })),
      shipped,
      siteThresholds,
    );
    const studies = studyCasesOf(items, part);
    return {
      part,
      shipped,
      site: siteThresholds,
      images,
      studies: studies.length ? levelFigures(studies, shipped, siteThresholds) : null,
      otherPartInLabels: items.filter(({ label }) => label.part !== null && label.part !== part).length,
      warnings: warningsFor(part, images.counts),
    };
  });
  return { modelVersion: manifest.version, parts, notAssessed };
}

/** The studies among a part's images (those the layout places in one): mean of views, abnormal if any view is. */
export function studyCasesOf(cases: readonly LabelledResult[], part: string): ScoredCase[] {
  const studies = new Map<string, { probabilities: number[]; abnormal: boolean }>();
  for (const { label, result } of cases) {
    if (label.study === null || result.bodyPart !== part || result.abnormalProbability === null) continue;
    const study = studies.get(label.study) ?? { probabilities: [], abnormal: false };
    study.probabilities.push(result.abnormalProbability!);
    study.abnormal ||= label.label === 'abnormal';
    studies.set(label.study, study);
  }
  return [...studies.values()].map(({ probabilities, abnormal }) => ({ probability: studyProbability(probabilities), abnormal }));
}

/** The scored image cases of one part (for choosing thresholds by a rule, or by a point of its curve). */
export function imageCasesOf(cases: readonly LabelledResult[], part: string): ScoredCase[] {
  return cases
    .filter(({ result }) => result.bodyPart === part && result.abnormalProbability !== null)
    .map(({ label, result }) => ({ probability: result.abnormalProbability!, abnormal: label.label === 'abnormal' }));
}

/** Thresholds per part by a rule, on each part's images. */
export function thresholdsByRule(cases: readonly LabelledResult[], parts: readonly string[], rule: ThresholdRule): Record<string, Thresholds> {
  return Object.fromEntries(parts.map((part) => [part, thresholdsForRule(imageCasesOf(cases, part), rule).thresholds]));
}

/** The site-thresholds file for the chosen thresholds, with each part's case counts. */
export function siteThresholdsFor(calibration: Calibration, chosen: Record<string, Thresholds>, now = new Date()): SiteThresholds {
  const parts: SiteThresholds['parts'] = {};
  for (const part of calibration.parts) {
    const thresholds = chosen[part.part];
    if (thresholds) parts[part.part] = { low: thresholds.low, high: thresholds.high, cases: { ...part.images.counts } };
  }
  return {
    format: SITE_THRESHOLDS_FORMAT,
    version: SITE_THRESHOLDS_VERSION,
    modelVersion: calibration.modelVersion,
    createdAt: now.toISOString(),
    parts,
  };
}

// CSV rows of results, one per image, with a p_<class> column per body-part class: the CLI's --csv and the
// app's export share these columns (the app adds study rows, thresholds, model version and time).
import type { Manifest } from './manifest';
import type { Decision, ImageResult } from './types';

/** Probabilities are written with this many decimals: more would be false precision. */
export const CSV_DECIMALS = 4;

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const line = (fields: readonly unknown[]) => fields.map(csvField).join(',');

function rounded(probability: number | null | undefined): number | null {
  return probability === null || probability === undefined ? null : Number(probability.toFixed(CSV_DECIMALS));
}

function imageColumns(classes: readonly string[]): string[] {
  return ['width', 'height', 'bodyPart', ...classes.map((c) => `p_${c}`), 'abnormalProbability', 'decision', 'error', 'headerBodyPart', 'reason'];
}

function imageFields(result: ImageResult, classes: readonly string[]): unknown[] {
  // an unreadable file has no size: empty, not 0 x 0
  const known = result.decision !== 'error' || result.width > 0;
  return [
    known ? result.width : null,
    known ? result.height : null,
    result.bodyPart,
    ...classes.map((c) => rounded(result.bodyPartProbabilities[c])),
    rounded(result.abnormalProbability),
    result.decision,
    result.error,
    result.headerBodyPart,
    result.reason,
  ];
}

export function csvHeader(classes: readonly string[]): string {
  return line(['file', ...imageColumns(classes)]);
}

export function csvRow(result: ImageResult, classes: readonly string[]): string {
  return line([result.file, ...imageFields(result, classes)]);
}

/** A whole CSV document: the header line, then one line per result, each ending with a newline (as the CLI prints). */
export function csvTable(results: readonly ImageResult[], classes: readonly string[]): string {
  return [csvHeader(classes), ...results.map((r) => csvRow(r, classes))].map((text) => `${text}\n`).join('');
}

/** An image of the app's export, under the name the export may show (a file name, or "Image 3"). */
export interface ExportImage {
  name: string;
  /** the name of the study it belongs to, or null */
  study: string | null;
  result: ImageResult;
}

export interface ExportStudy {
  name: string;
  bodyPart: string;
  /** export names of its images */
  images: string[];
  abnormalProbability: number;
  decision: Exclude<Decision, 'unsupported' | 'error'>;
}

/**
 * The app's CSV: a row per image then a row per study (column `row`), each with the thresholds of its part,
 * the model version and the time of the export.
 */
export function exportCsv(
  images: readonly ExportImage[],
  studies: readonly ExportStudy[],
  classes: readonly string[],
  manifest: Pick<Manifest, 'version' | 'thresholds'>,
  exportedAt: Date,
): string {
  const time = exportedAt.toISOString();
  const thresholds = (part: string | null) => {
    const t = part ? manifest.thresholds[part] : undefined;
    return [t?.low ?? null, t?.high ?? null];
  };
  const header = line(['row', 'file', 'study', ...imageColumns(classes), 'thresholdLow', 'thresholdHigh', 'modelVersion', 'exportedAt']);
  const imageRows = images.map(({ name, study, result }) =>
    line(['image', name, study, ...imageFields(result, classes), ...thresholds(result.bodyPart), manifest.version, time]),
  );
  const blankImageFields: unknown[] = imageColumns(classes).map(() => null);
  const studyRows = studies.map((study) => {
    const fields = [...blankImageFields];
    const columns = imageColumns(classes);
    fields[columns.indexOf('bodyPart')] = study.bodyPart;
    fields[columns.indexOf('abnormalProbability')] = rounded(study.abnormalProbability);
    fields[columns.indexOf('decision')] = study.decision;
    return line(['study', study.images.join('; '), study.name, ...fields, ...thresholds(study.bodyPart), manifest.version, time]);
  });
  return [header, ...imageRows, ...studyRows].map((text) => `${text}\n`).join('');
}

// CSV rows of results, one per image, with a p_<class> column per body-part class: the CLI's --csv and the
// app's batch export share this one implementation.
import type { ImageResult } from './types';

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(classes: readonly string[]): string {
  return ['file', 'width', 'height', 'bodyPart', ...classes.map((c) => `p_${c}`), 'abnormalProbability', 'decision', 'error']
    .map(csvField)
    .join(',');
}

export function csvRow(result: ImageResult, classes: readonly string[]): string {
  return [
    result.file,
    result.width,
    result.height,
    result.bodyPart,
    ...classes.map((c) => result.bodyPartProbabilities[c]),
    result.abnormalProbability,
    result.decision,
    result.error,
  ]
    .map(csvField)
    .join(',');
}

/** A whole CSV document: the header line, then one line per result, each ending with a newline (as the CLI prints). */
export function csvTable(results: readonly ImageResult[], classes: readonly string[]): string {
  return [csvHeader(classes), ...results.map((r) => csvRow(r, classes))].map((line) => `${line}\n`).join('');
}

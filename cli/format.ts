// Output rows of the CLI: one JSON object per line, or CSV with a p_<class> column per body-part class.
import type { ImageResult } from '../src/pipeline/types';

const HEATMAP_DECIMALS = 4;

export function jsonRow(result: ImageResult, withHeatmap: boolean): string {
  const { heatmap } = result;
  const row: Record<string, unknown> = {
    file: result.file,
    width: result.width,
    height: result.height,
    bodyPart: result.bodyPart,
    bodyPartProbabilities: result.bodyPartProbabilities,
    abnormalProbability: result.abnormalProbability,
    decision: result.decision,
    error: result.error,
  };
  if (withHeatmap) {
    row.heatmap = heatmap && {
      size: heatmap.size,
      box: heatmap.box,
      values: Array.from(heatmap.values, (v) => Number(v.toFixed(HEATMAP_DECIMALS))),
    };
  }
  return JSON.stringify(row);
}

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

// Output rows of the CLI: one JSON object per line, or CSV with a p_<class> column per body-part class
// (the CSV formatting lives in src/pipeline/csv.ts, shared with the app's export).
import type { ImageResult } from '../src/pipeline/types';

export { csvHeader, csvRow } from '../src/pipeline/csv';

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
    headerBodyPart: result.headerBodyPart ?? null,
    reason: result.reason ?? null,
  };
  if (result.siteThresholds) row.thresholds = 'site';
  if (withHeatmap) {
    row.heatmap = heatmap && {
      size: heatmap.size,
      box: heatmap.box,
      values: Array.from(heatmap.values, (v) => Number(v.toFixed(HEATMAP_DECIMALS))),
    };
  }
  return JSON.stringify(row);
}

// The one CSV format, shared by the CLI's --csv and the app's batch export.
import { describe, expect, it } from 'vitest';
import { csvHeader as cliHeader, csvRow as cliRow } from '../../cli/format';
import { csvHeader, csvRow, csvTable } from '../../src/pipeline/csv';
import type { ImageResult } from '../../src/pipeline/types';

const classes = ['elbow', 'hand', 'other_xray'];
const result = (file: string, overrides: Partial<ImageResult> = {}): ImageResult => ({
  file,
  bodyPart: 'hand',
  bodyPartProbabilities: { elbow: 0.1, hand: 0.8, other_xray: 0.1 },
  abnormalProbability: 0.25,
  decision: 'normal',
  error: null,
  heatmap: null,
  width: 153,
  height: 192,
  ...overrides,
});

describe('CSV export', () => {
  it('has a p_<class> column per body-part class in manifest order', () => {
    expect(csvHeader(classes)).toBe('file,width,height,bodyPart,p_elbow,p_hand,p_other_xray,abnormalProbability,decision,error');
  });

  it('quotes fields with commas, quotes or newlines and leaves missing values empty', () => {
    const row = csvRow(result('a, "b".dcm', { bodyPart: null, abnormalProbability: null, decision: 'error', error: 'bad\nfile' }), classes);
    expect(row).toBe('"a, ""b"".dcm",153,192,,0.1,0.8,0.1,,error,"bad\nfile"');
  });

  it('a table is the header and one line per result, as the CLI prints them', () => {
    const results = [result('one.dcm'), result('two.dcm', { decision: 'uncertain', abnormalProbability: 0.5 })];
    expect(csvTable(results, classes)).toBe([cliHeader(classes), ...results.map((r) => cliRow(r, classes))].join('\n') + '\n');
  });
});

// The one CSV format, shared by the CLI's --csv and the app's batch export.
import { describe, expect, it } from 'vitest';
import { csvHeader as cliHeader, csvRow as cliRow } from '../../cli/format';
import { csvHeader, csvRow, csvTable, exportCsv } from '../../src/pipeline/csv';
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
    expect(csvHeader(classes)).toBe('file,width,height,bodyPart,p_elbow,p_hand,p_other_xray,abnormalProbability,decision,error,headerBodyPart,reason');
  });

  it('quotes fields with commas, quotes or newlines and leaves missing values empty', () => {
    const row = csvRow(result('a, "b".dcm', { bodyPart: null, abnormalProbability: null, decision: 'error', error: 'bad\nfile' }), classes);
    expect(row).toBe('"a, ""b"".dcm",153,192,,0.1,0.8,0.1,,error,"bad\nfile",,');
  });

  it('a table is the header and one line per result, as the CLI prints them', () => {
    const results = [result('one.dcm'), result('two.dcm', { decision: 'uncertain', abnormalProbability: 0.5 })];
    expect(csvTable(results, classes)).toBe([cliHeader(classes), ...results.map((r) => cliRow(r, classes))].join('\n') + '\n');
  });

  it('rounds probabilities to 4 decimals and leaves the size of an unreadable file empty', () => {
    const row = csvRow(result('x.png', { bodyPartProbabilities: { elbow: 0.123456789, hand: 0.87654321, other_xray: 0 }, abnormalProbability: 0.99997 }), classes);
    expect(row).toBe('x.png,153,192,hand,0.1235,0.8765,0,1,normal,,,');
    const failed = csvRow(result('bad.png', { bodyPart: null, bodyPartProbabilities: {}, abnormalProbability: null, decision: 'error', error: 'empty file', width: 0, height: 0 }), classes);
    expect(failed).toBe('bad.png,,,,,,,,error,empty file,,');
  });
});

describe('the app export', () => {
  const manifest = { version: '0.3.0', thresholds: { hand: { low: 0.2, high: 0.6 }, elbow: { low: 0.3, high: 0.7 } } };
  const at = new Date('2026-12-06T05:00:00Z');

  it('has an image row per image and a row per study, with thresholds, model version and time', () => {
    const csv = exportCsv(
      [
        { name: 'Image 1', study: 'Study 1', result: result('Doe_John_hand.dcm', { abnormalProbability: 0.123456 }) },
        { name: 'Image 2', study: 'Study 1', result: result('Doe_John_hand2.dcm') },
        { name: 'Image 3', study: null, result: result('cat.jpg', { bodyPart: null, abnormalProbability: null, decision: 'unsupported', error: 'not a radiograph' }) },
      ],
      [{ name: 'Study 1', bodyPart: 'hand', images: ['Image 1', 'Image 2'], abnormalProbability: 0.1876543, decision: 'normal' }],
      classes,
      manifest,
      at,
    );
    const [header, ...rows] = csv.trimEnd().split('\n');
    expect(header).toBe(
      'row,file,study,width,height,bodyPart,p_elbow,p_hand,p_other_xray,abnormalProbability,decision,error,headerBodyPart,reason,thresholdLow,thresholdHigh,modelVersion,exportedAt',
    );
    expect(rows).toEqual([
      'image,Image 1,Study 1,153,192,hand,0.1,0.8,0.1,0.1235,normal,,,,0.2,0.6,0.3.0,2026-12-06T05:00:00.000Z',
      'image,Image 2,Study 1,153,192,hand,0.1,0.8,0.1,0.25,normal,,,,0.2,0.6,0.3.0,2026-12-06T05:00:00.000Z',
      'image,Image 3,,153,192,,0.1,0.8,0.1,,unsupported,not a radiograph,,,,,0.3.0,2026-12-06T05:00:00.000Z',
      'study,Image 1; Image 2,Study 1,,,hand,,,,0.1877,normal,,,,0.2,0.6,0.3.0,2026-12-06T05:00:00.000Z',
    ]);
    // the names given are the only names written: the files' own names never appear
    expect(csv).not.toMatch(/Doe|John|cat\.jpg/);
  });
});

// The personal reader study's statistics on a small fixed table of reads.
import { describe, expect, it } from 'vitest';
import { loadReads, readerStats, readerStudyCsv, recordRead, saveReads, wilson, type ReaderRead } from '../../src/app/reader-study';

const read = (caseId: string, bodyPart: string, reference: 'normal' | 'abnormal', withoutModel: 'normal' | 'abnormal', withModel: 'normal' | 'abnormal', model: ReaderRead['model']): ReaderRead => ({
  caseId, bodyPart, reference, withoutModel, withModel, model,
});

// hand: 4 abnormal, 2 normal; elbow: 1 abnormal, 1 normal
const READS: ReaderRead[] = [
  read('h1', 'hand', 'abnormal', 'abnormal', 'abnormal', 'abnormal'),
  read('h2', 'hand', 'abnormal', 'normal', 'abnormal', 'abnormal'),
  read('h3', 'hand', 'abnormal', 'normal', 'normal', 'uncertain'),
  read('h4', 'hand', 'abnormal', 'abnormal', 'abnormal', 'normal'),
  read('h5', 'hand', 'normal', 'normal', 'normal', 'normal'),
  read('h6', 'hand', 'normal', 'abnormal', 'normal', 'abnormal'),
  read('e1', 'elbow', 'abnormal', 'abnormal', 'abnormal', 'abnormal'),
  read('e2', 'elbow', 'normal', 'normal', 'abnormal', 'unsupported'),
];

describe('Wilson 95% interval', () => {
  it('matches published values', () => {
    // 8 of 10: 0.8 (0.490 to 0.943), e.g. Newcombe 1998 table I / any Wilson calculator
    const p = wilson(8, 10);
    expect(p.estimate).toBe(0.8);
    expect(p.low).toBeCloseTo(0.4902, 4);
    expect(p.high).toBeCloseTo(0.9433, 4);
    // 0 of 5 and 5 of 5 stay inside [0, 1]
    expect(wilson(0, 5).low).toBe(0);
    expect(wilson(0, 5).high).toBeCloseTo(0.4345, 4);
    expect(wilson(5, 5).high).toBe(1);
    expect(wilson(0, 0)).toEqual({ successes: 0, total: 0, estimate: null, low: null, high: null });
  });
});

describe('reader statistics per body part', () => {
  const rows = readerStats(READS);
  const hand = rows.find((r) => r.bodyPart === 'hand')!;

  it('counts the reader without and with the model', () => {
    expect([hand.without.sensitivity.successes, hand.without.sensitivity.total]).toEqual([2, 4]);
    expect([hand.without.specificity.successes, hand.without.specificity.total]).toEqual([1, 2]);
    expect([hand.with.sensitivity.successes, hand.with.sensitivity.total]).toEqual([3, 4]);
    expect([hand.with.specificity.successes, hand.with.specificity.total]).toEqual([2, 2]);
  });

  it('counts the model alone, its uncertain call as not abnormal', () => {
    expect([hand.model.sensitivity.successes, hand.model.sensitivity.total]).toEqual([2, 4]);
    expect([hand.model.specificity.successes, hand.model.specificity.total]).toEqual([1, 2]);
  });

  it('adds an "all" row over every body part', () => {
    expect(rows.map((r) => r.bodyPart)).toEqual(['hand', 'elbow', 'all']);
    const all = rows.at(-1)!;
    expect([all.with.sensitivity.successes, all.with.sensitivity.total]).toEqual([4, 5]);
    expect([all.with.specificity.successes, all.with.specificity.total]).toEqual([2, 3]);
    expect(all.without.sensitivity.estimate).toBeCloseTo(3 / 5);
  });
});

describe('keeping the reads', () => {
  it('replaces a case read again, stores and clears on the device, exports CSV', () => {
    const reads = recordRead(READS, read('h1', 'hand', 'abnormal', 'normal', 'normal', 'abnormal'));
    expect(reads.filter((r) => r.caseId === 'h1')).toHaveLength(1);
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) };
    saveReads(storage, reads);
    expect(loadReads(storage)).toEqual(reads);
    saveReads(storage, []);
    expect(loadReads(storage)).toEqual([]);
    const csv = readerStudyCsv(READS);
    expect(csv).toContain('hand,reader with model,sensitivity,3,4,0.75,');
    expect(csv).toContain('h2,hand,abnormal,normal,abnormal,abnormal');
  });
});

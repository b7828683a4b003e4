// A personal reader study over the quiz: each read keeps the reader's first call (before seeing the model) and
// the final one (after), with the model's decision and the reference label. From these, per body part, the
// reader's sensitivity and specificity without and with the model, beside the model alone, each with its counts
// and a Wilson 95% interval. Kept on this device only (localStorage), exportable as CSV, clearable.
import type { Decision } from '../pipeline/types';
import type { LearnerCall } from './gallery-quiz';

export const READER_STUDY_KEY = 'bonelens.reader-study';
const VERSION = 1;
/** the normal quantile of a two-sided 95% interval */
const Z_95 = 1.959963984540054;

export interface ReaderRead {
  caseId: string;
  bodyPart: string;
  reference: LearnerCall;
  withoutModel: LearnerCall;
  withModel: LearnerCall;
  model: Decision;
}

export interface Proportion {
  /** cases called right */
  successes: number;
  total: number;
  /** null with no cases */
  estimate: number | null;
  low: number | null;
  high: number | null;
}

export interface ReaderRow {
  bodyPart: string;
  /** sensitivity: abnormal cases called abnormal; specificity: normal cases called normal */
  without: { sensitivity: Proportion; specificity: Proportion };
  with: { sensitivity: Proportion; specificity: Proportion };
  model: { sensitivity: Proportion; specificity: Proportion };
}

/** Wilson score interval for k successes in n trials (95% by default); estimate and bounds null when n is 0. */
export function wilson(successes: number, total: number, z = Z_95): Proportion {
  if (total === 0) return { successes, total, estimate: null, low: null, high: null };
  const p = successes / total;
  const z2 = z * z;
  const centre = (p + z2 / (2 * total)) / (1 + z2 / total);
  const half = (z / (1 + z2 / total)) * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return { successes, total, estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** The model "calls abnormal" only with its abnormal decision; uncertain, normal and rejections count as not. */
export const modelCall = (decision: Decision): LearnerCall => (decision === 'abnormal' ? 'abnormal' : 'normal');

function accuracy(reads: readonly ReaderRead[], call: (r: ReaderRead) => LearnerCall) {
  const abnormal = reads.filter((r) => r.reference === 'abnormal');
  const normal = reads.filter((r) => r.reference === 'normal');
  return {
    sensitivity: wilson(abnormal.filter((r) => call(r) === 'abnormal').length, abnormal.length),
    specificity: wilson(normal.filter((r) => call(r) === 'normal').length, normal.length),
  };
}

/** One row per body part (in first-read order), then "all" when there are several. */
export function readerStats(reads: readonly ReaderRead[]): ReaderRow[] {
  const parts = [...new Set(reads.map((r) => r.bodyPart))];
  const row = (bodyPart: string, subset: readonly ReaderRead[]): ReaderRow => ({
    bodyPart,
    without: accuracy(subset, (r) => r.withoutModel),
    with: accuracy(subset, (r) => r.withModel),
    model: accuracy(subset, (r) => modelCall(r.model)),
  });
  const rows = parts.map((part) => row(part, reads.filter((r) => r.bodyPart === part)));
  return parts.length > 1 ? [...rows, row('all', reads)] : rows;
}

export function recordRead(reads: readonly ReaderRead[], read: ReaderRead): ReaderRead[] {
  return [...reads.filter((r) => r.caseId !== read.caseId), read];
}

const CALLS: readonly string[] = ['normal', 'abnormal'];
const DECISIONS: readonly string[] = ['normal', 'uncertain', 'abnormal', 'unsupported', 'error'];
function isRead(value: unknown): value is ReaderRead {
  const r = value as Record<string, unknown> | null;
  return (
    typeof r === 'object' && r !== null &&
    typeof r.caseId === 'string' && typeof r.bodyPart === 'string' &&
    CALLS.includes(r.reference as string) && CALLS.includes(r.withoutModel as string) && CALLS.includes(r.withModel as string) &&
    DECISIONS.includes(r.model as string)
  );
}

export function loadReads(storage: Pick<Storage, 'getItem'> | null): ReaderRead[] {
  try {
    const parsed = JSON.parse(storage?.getItem(READER_STUDY_KEY) ?? 'null') as { version?: number; reads?: unknown[] } | null;
    if (parsed?.version === VERSION && Array.isArray(parsed.reads)) return parsed.reads.filter(isRead);
  } catch {
    // unreadable: start again
  }
  return [];
}

export function saveReads(storage: Pick<Storage, 'setItem' | 'removeItem'> | null, reads: readonly ReaderRead[]): void {
  try {
    if (reads.length) storage?.setItem(READER_STUDY_KEY, JSON.stringify({ version: VERSION, reads }));
    else storage?.removeItem(READER_STUDY_KEY);
  } catch {
    // storage full or disabled: the reads last for this visit only
  }
}

const cell = (p: Proportion) => [p.successes, p.total, p.estimate ?? '', p.low ?? '', p.high ?? ''].map(String);

/** The summary table and every read, as one CSV document (case ids only: no image, no patient data). */
export function readerStudyCsv(reads: readonly ReaderRead[]): string {
  const measures = ['sensitivity', 'specificity'] as const;
  const readers = [
    ['without', 'reader without model'],
    ['with', 'reader with model'],
    ['model', 'model alone'],
  ] as const;
  const lines = [['body_part', 'reader', 'measure', 'correct', 'cases', 'estimate', 'ci95_low', 'ci95_high'].join(',')];
  for (const row of readerStats(reads)) {
    for (const [key, name] of readers) {
      for (const measure of measures) lines.push([row.bodyPart, name, measure, ...cell(row[key][measure])].join(','));
    }
  }
  lines.push('');
  lines.push(['case_id', 'body_part', 'reference', 'reader_without_model', 'reader_with_model', 'model_decision'].join(','));
  for (const r of reads) lines.push([r.caseId, r.bodyPart, r.reference, r.withoutModel, r.withModel, r.model].join(','));
  return `${lines.join('\n')}\n`;
}

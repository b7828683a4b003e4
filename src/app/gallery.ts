// The bundled example cases (public/examples/cases.json, written by scripts/make-examples.mjs): their
// shape, the reference answer each implies under the shipped manifest, filters, and how a model decision
// compares with the reference. Pure: no DOM, no fetch, so the tests and the UI share it.
import type { Decision } from '../pipeline/types';

/** Folder, under the app's base URL, with the example images and cases.json. */
export const EXAMPLES_DIR = 'examples/';
export const CASES_FILE = 'cases.json';

export interface CaseLabels {
  /** the shared manifest's body_part: elbow, hand, shoulder, leg, …, or notxray */
  bodyPart: string;
  bodyPartAlt: string | null;
  /** 1 abnormal (fracture, hardware or lesion, MURA's sense), 0 normal, null unknown */
  abnormal: 0 | 1 | null;
  fracture: 0 | 1 | null;
  hardware: 0 | 1 | null;
  multiView: boolean;
  basis: string;
}

export interface ExampleCase {
  id: string;
  file: string;
  sha256: string;
  bytes: number;
  width: number;
  height: number;
  labels: CaseLabels;
  note: string;
  source: string;
  sourcePath: string;
  origin: string;
  licence: string;
  attribution: string;
  /** the models' own split this image fell in: 'test' images were never trained on */
  split: 'train' | 'val' | 'test';
}

export class CasesError extends Error {
  override name = 'CasesError';
}

const SPLITS = ['train', 'val', 'test'] as const;

function field<T>(record: Record<string, unknown>, key: string, check: (v: unknown) => v is T, where: string): T {
  const value = record[key];
  if (!check(value)) throw new CasesError(`${where}: "${key}" is missing or has the wrong type`);
  return value;
}
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isBit = (v: unknown): v is 0 | 1 | null => v === 0 || v === 1 || v === null;
const isStringOrNull = (v: unknown): v is string | null => v === null || isString(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isSplit = (v: unknown): v is ExampleCase['split'] => SPLITS.includes(v as ExampleCase['split']);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates cases.json; throws CasesError naming the case and field that is wrong. */
export function parseCases(json: unknown): ExampleCase[] {
  if (!isRecord(json) || !Array.isArray(json.cases)) throw new CasesError('cases.json has no "cases" list');
  const ids = new Set<string>();
  return json.cases.map((raw: unknown, index) => {
    if (!isRecord(raw)) throw new CasesError(`case ${index} is not an object`);
    const where = `case ${String(raw.id ?? index)}`;
    const labels = field(raw, 'labels', isRecord, where);
    const parsed: ExampleCase = {
      id: field(raw, 'id', isString, where),
      file: field(raw, 'file', isString, where),
      sha256: field(raw, 'sha256', (v): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v), where),
      bytes: field(raw, 'bytes', isCount, where),
      width: field(raw, 'width', isCount, where),
      height: field(raw, 'height', isCount, where),
      labels: {
        bodyPart: field(labels, 'bodyPart', isString, where),
        bodyPartAlt: field(labels, 'bodyPartAlt', isStringOrNull, where),
        abnormal: field(labels, 'abnormal', isBit, where),
        fracture: field(labels, 'fracture', isBit, where),
        hardware: field(labels, 'hardware', isBit, where),
        multiView: field(labels, 'multiView', isBoolean, where),
        basis: field(labels, 'basis', isString, where),
      },
      note: field(raw, 'note', isString, where),
      source: field(raw, 'source', isString, where),
      sourcePath: field(raw, 'sourcePath', isString, where),
      origin: field(raw, 'origin', isString, where),
      licence: field(raw, 'licence', isString, where),
      attribution: field(raw, 'attribution', isString, where),
      split: field(raw, 'split', isSplit, where),
    };
    if (ids.has(parsed.id)) throw new CasesError(`${where}: duplicate id`);
    if (parsed.file.includes('/') || parsed.file.includes('\\')) throw new CasesError(`${where}: file must be a plain name`);
    ids.add(parsed.id);
    return parsed;
  });
}

/** What the app should answer for a case: the label for a supported part, a rejection otherwise. */
export type Reference = 'normal' | 'abnormal' | 'unsupported';

/** The reference answer under the shipped manifest's supported parts; null when the label is unknown. */
export function referenceOf(item: ExampleCase, supported: readonly string[]): Reference | null {
  if (!supported.includes(item.labels.bodyPart)) return 'unsupported';
  if (item.labels.abnormal === null) return null;
  return item.labels.abnormal === 1 ? 'abnormal' : 'normal';
}

/** How the model's decision stands against the reference; "uncertain" is neither right nor wrong. */
export type Agreement = 'agree' | 'disagree' | 'uncertain' | 'error';

export function compareWithReference(reference: Reference, decision: Decision): Agreement {
  if (decision === 'error') return 'error';
  if (decision === 'uncertain') return reference === 'unsupported' ? 'disagree' : 'uncertain';
  return decision === reference ? 'agree' : 'disagree';
}

export type PartFilter = 'all' | 'other' | string;
export type LabelFilter = 'all' | Reference;

/** Cases of one body part ('other' = any part the models do not support) with one reference answer. */
export function filterCases(
  cases: readonly ExampleCase[],
  supported: readonly string[],
  part: PartFilter,
  label: LabelFilter,
): ExampleCase[] {
  return cases.filter((item) => {
    const partMatches =
      part === 'all' || (part === 'other' ? !supported.includes(item.labels.bodyPart) : item.labels.bodyPart === part);
    return partMatches && (label === 'all' || referenceOf(item, supported) === label);
  });
}

/** The labels in words, e.g. "Hand · abnormal (fracture)" or "Leg · other radiograph". */
export function describeLabels(item: ExampleCase, supported: readonly string[]): string {
  const { bodyPart, abnormal, fracture, hardware } = item.labels;
  if (bodyPart === 'notxray') return 'Not a radiograph';
  const part = bodyPart.charAt(0).toUpperCase() + bodyPart.slice(1);
  const findings = [fracture === 1 ? 'fracture' : '', hardware === 1 ? 'hardware' : ''].filter(Boolean).join(', ');
  const state = abnormal === 1 ? `abnormal${findings ? ` (${findings})` : ''}` : abnormal === 0 ? 'normal' : 'label unknown';
  return supported.includes(bodyPart) ? `${part} · ${state}` : `${part} · other radiograph, ${state}`;
}

export const REFERENCE_WORDS: Record<Reference, string> = {
  normal: 'Normal',
  abnormal: 'Abnormal',
  unsupported: 'Should be rejected',
};

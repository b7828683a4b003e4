// Quiz over the example cases: the learner calls each supported case normal or abnormal (and may mark
// where), then sees the reference label and the model's decision. Learner and model are scored on the
// same cases. Progress lives in localStorage under one key, so it survives a reload and can be reset.
import type { Decision } from '../pipeline/types';
import { referenceOf, type ExampleCase } from './gallery';

export const QUIZ_STORAGE_KEY = 'bonelens.quiz';
const QUIZ_VERSION = 1;

export type LearnerCall = 'normal' | 'abnormal';

export interface QuizAnswer {
  caseId: string;
  learner: LearnerCall;
  /** where the learner pointed, as fractions of the image's width and height; null when not marked */
  mark: { x: number; y: number } | null;
  /** the model's decision on this case when the answer was revealed */
  model: Decision;
}

export interface QuizProgress {
  version: typeof QUIZ_VERSION;
  /** orders the cases; a new seed on reset gives a new order */
  seed: number;
  answers: QuizAnswer[];
}

export interface QuizScore {
  answered: number;
  learnerCorrect: number;
  modelCorrect: number;
  /** the model said "uncertain": not counted as correct, reported apart */
  modelUncertain: number;
}

export function newProgress(seed: number): QuizProgress {
  return { version: QUIZ_VERSION, seed: seed >>> 0, answers: [] };
}

/** FNV-1a: a small, stable string hash for the per-seed case order. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The cases a learner can answer (supported part, known label), in this progress's order. */
export function quizCases(cases: readonly ExampleCase[], supported: readonly string[], seed: number): ExampleCase[] {
  return cases
    .filter((item) => {
      const reference = referenceOf(item, supported);
      return reference === 'normal' || reference === 'abnormal';
    })
    .map((item) => ({ item, key: hash(`${seed}:${item.id}`) }))
    .sort((a, b) => a.key - b.key || a.item.id.localeCompare(b.item.id))
    .map(({ item }) => item);
}

/** The first case not yet answered, or null when the quiz is complete. */
export function nextCase(ordered: readonly ExampleCase[], progress: QuizProgress): ExampleCase | null {
  const done = new Set(progress.answers.map((a) => a.caseId));
  return ordered.find((item) => !done.has(item.id)) ?? null;
}

export function recordAnswer(progress: QuizProgress, answer: QuizAnswer): QuizProgress {
  return { ...progress, answers: [...progress.answers.filter((a) => a.caseId !== answer.caseId), answer] };
}

/** Learner and model on the same answered cases; answers to cases no longer shipped are ignored. */
export function score(progress: QuizProgress, cases: readonly ExampleCase[], supported: readonly string[]): QuizScore {
  const byId = new Map(cases.map((item) => [item.id, item]));
  const total: QuizScore = { answered: 0, learnerCorrect: 0, modelCorrect: 0, modelUncertain: 0 };
  for (const answer of progress.answers) {
    const item = byId.get(answer.caseId);
    const reference = item ? referenceOf(item, supported) : null;
    if (reference !== 'normal' && reference !== 'abnormal') continue;
    total.answered += 1;
    if (answer.learner === reference) total.learnerCorrect += 1;
    if (answer.model === reference) total.modelCorrect += 1;
    if (answer.model === 'uncertain') total.modelUncertain += 1;
  }
  return total;
}

const isFraction = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;
const DECISIONS: readonly Decision[] = ['normal', 'uncertain', 'abnormal', 'unsupported', 'error'];

function isAnswer(value: unknown): value is QuizAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  const mark = a.mark as Record<string, unknown> | null;
  return (
    typeof a.caseId === 'string' &&
    (a.learner === 'normal' || a.learner === 'abnormal') &&
    DECISIONS.includes(a.model as Decision) &&
    (mark === null || (typeof mark === 'object' && isFraction(mark.x) && isFraction(mark.y)))
  );
}

/** Stored progress, or a fresh one when there is none or it cannot be read (old version, edited by hand). */
export function loadProgress(storage: Pick<Storage, 'getItem'> | null, freshSeed: () => number): QuizProgress {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(QUIZ_STORAGE_KEY) ?? 'null');
    const p = parsed as Partial<QuizProgress> | null;
    if (p && p.version === QUIZ_VERSION && typeof p.seed === 'number' && Array.isArray(p.answers) && p.answers.every(isAnswer)) {
      return { version: QUIZ_VERSION, seed: p.seed, answers: p.answers };
    }
  } catch {
    // unreadable storage or JSON: start again
  }
  return newProgress(freshSeed());
}

export function saveProgress(storage: Pick<Storage, 'setItem'> | null, progress: QuizProgress): void {
  try {
    storage?.setItem(QUIZ_STORAGE_KEY, JSON.stringify(progress));
  } catch {
    // storage full or disabled: progress lasts for this visit only
  }
}

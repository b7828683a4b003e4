// The gallery's rules: what the reference answer of a case is, how a model decision compares with it,
// how cases are filtered, and how the quiz orders, scores and stores progress.
import { describe, expect, it } from 'vitest';
import { compareWithReference, describeLabels, filterCases, parseCases, CasesError, referenceOf, type ExampleCase } from '../../src/app/gallery';
import {
  QUIZ_STORAGE_KEY,
  loadProgress,
  newProgress,
  nextCase,
  quizCases,
  recordAnswer,
  saveProgress,
  score,
} from '../../src/app/gallery-quiz';

const SUPPORTED = ['elbow', 'hand', 'shoulder'];

function makeCase(id: string, bodyPart: string, abnormal: 0 | 1 | null, extra: Partial<ExampleCase['labels']> = {}): ExampleCase {
  return {
    id,
    file: `${id}.jpg`,
    sha256: '0'.repeat(64),
    bytes: 1,
    width: 1,
    height: 1,
    labels: { bodyPart, bodyPartAlt: null, abnormal, fracture: null, hardware: null, multiView: false, basis: 'test', ...extra },
    note: 'note',
    source: 'fracatlas',
    sourcePath: `images/${id}.jpg`,
    origin: 'origin',
    licence: 'CC BY 4.0',
    attribution: 'someone',
    split: 'test',
  };
}

const handNormal = makeCase('hand-1', 'hand', 0);
const handFracture = makeCase('hand-2', 'hand', 1, { fracture: 1 });
const elbowUnknown = makeCase('elbow-1', 'elbow', null);
const legFracture = makeCase('leg-1', 'leg', 1, { fracture: 1 });
const photo = makeCase('photo-1', 'notxray', null);
const ALL = [handNormal, handFracture, elbowUnknown, legFracture, photo];

describe('reference answers', () => {
  it('is the label for a supported part and a rejection for anything else, whatever its label', () => {
    expect(referenceOf(handNormal, SUPPORTED)).toBe('normal');
    expect(referenceOf(handFracture, SUPPORTED)).toBe('abnormal');
    expect(referenceOf(legFracture, SUPPORTED)).toBe('unsupported');
    expect(referenceOf(photo, SUPPORTED)).toBe('unsupported');
  });

  it('is unknown (never "normal") when a supported case has no abnormality label', () => {
    expect(referenceOf(elbowUnknown, SUPPORTED)).toBeNull();
  });

  it('says the labels in words, findings included', () => {
    expect(describeLabels(handFracture, SUPPORTED)).toBe('Hand · abnormal (fracture)');
    expect(describeLabels(legFracture, SUPPORTED)).toBe('Leg · other radiograph, abnormal (fracture)');
    expect(describeLabels(photo, SUPPORTED)).toBe('Not a radiograph');
  });
});

describe('model decision against the reference', () => {
  it('agrees only on the same answer', () => {
    expect(compareWithReference('abnormal', 'abnormal')).toBe('agree');
    expect(compareWithReference('unsupported', 'unsupported')).toBe('agree');
    expect(compareWithReference('abnormal', 'normal')).toBe('disagree');
    expect(compareWithReference('normal', 'unsupported')).toBe('disagree');
  });

  it('calls "uncertain" neither right nor wrong on a supported case, but wrong where it should have rejected', () => {
    expect(compareWithReference('normal', 'uncertain')).toBe('uncertain');
    expect(compareWithReference('unsupported', 'uncertain')).toBe('disagree');
  });

  it('reports a failed analysis as such', () => {
    expect(compareWithReference('normal', 'error')).toBe('error');
  });
});

describe('filters', () => {
  it('filters by body part, with "other" for every unsupported part', () => {
    expect(filterCases(ALL, SUPPORTED, 'hand', 'all')).toEqual([handNormal, handFracture]);
    expect(filterCases(ALL, SUPPORTED, 'other', 'all')).toEqual([legFracture, photo]);
  });

  it('filters by reference answer, and combines with the part filter', () => {
    expect(filterCases(ALL, SUPPORTED, 'all', 'abnormal')).toEqual([handFracture]);
    expect(filterCases(ALL, SUPPORTED, 'all', 'unsupported')).toEqual([legFracture, photo]);
    expect(filterCases(ALL, SUPPORTED, 'elbow', 'normal')).toEqual([]);
  });
});

describe('cases.json validation', () => {
  it('accepts well-formed cases and names the bad field of a broken one', () => {
    expect(parseCases({ cases: [handNormal] })).toEqual([handNormal]);
    expect(() => parseCases({ cases: [{ ...handNormal, licence: '' }] })).toThrow(/case hand-1: "licence"/);
    expect(() => parseCases({ cases: [{ ...handNormal, split: 'holdout' }] })).toThrow(CasesError);
    expect(() => parseCases({ cases: [handNormal, handNormal] })).toThrow(/duplicate id/);
    expect(() => parseCases({ cases: [{ ...handNormal, file: '../secret.jpg' }] })).toThrow(/plain name/);
  });
});

describe('quiz', () => {
  it('asks only supported cases with a known label, in an order fixed by the seed', () => {
    const order = quizCases(ALL, SUPPORTED, 7).map((c) => c.id);
    expect(order.sort()).toEqual(['hand-1', 'hand-2']);
    expect(quizCases(ALL, SUPPORTED, 7)).toEqual(quizCases(ALL, SUPPORTED, 7));
  });

  it('moves to the next unanswered case and ends when all are answered', () => {
    const ordered = quizCases(ALL, SUPPORTED, 1);
    let progress = newProgress(1);
    expect(nextCase(ordered, progress)).toBe(ordered[0]);
    progress = recordAnswer(progress, { caseId: ordered[0]!.id, learner: 'normal', mark: null, model: 'normal' });
    expect(nextCase(ordered, progress)).toBe(ordered[1]);
    progress = recordAnswer(progress, { caseId: ordered[1]!.id, learner: 'normal', mark: null, model: 'normal' });
    expect(nextCase(ordered, progress)).toBeNull();
  });

  it('scores learner and model on the same cases, counting the model\'s "uncertain" apart, not as correct', () => {
    let progress = newProgress(1);
    progress = recordAnswer(progress, { caseId: 'hand-1', learner: 'normal', mark: null, model: 'uncertain' });
    progress = recordAnswer(progress, { caseId: 'hand-2', learner: 'normal', mark: { x: 0.2, y: 0.7 }, model: 'abnormal' });
    expect(score(progress, ALL, SUPPORTED)).toEqual({ answered: 2, learnerCorrect: 1, modelCorrect: 1, modelUncertain: 1 });
  });

  it('keeps one answer per case: answering again replaces the earlier answer', () => {
    let progress = newProgress(1);
    progress = recordAnswer(progress, { caseId: 'hand-2', learner: 'normal', mark: null, model: 'abnormal' });
    progress = recordAnswer(progress, { caseId: 'hand-2', learner: 'abnormal', mark: null, model: 'abnormal' });
    expect(score(progress, ALL, SUPPORTED)).toMatchObject({ answered: 1, learnerCorrect: 1 });
  });

  it('ignores stored answers to cases that are no longer shipped', () => {
    const progress = recordAnswer(newProgress(1), { caseId: 'gone', learner: 'normal', mark: null, model: 'normal' });
    expect(score(progress, ALL, SUPPORTED).answered).toBe(0);
  });

  it('survives a reload through storage, and starts afresh from missing or tampered data', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const progress = recordAnswer(newProgress(42), { caseId: 'hand-1', learner: 'abnormal', mark: { x: 0.5, y: 0.25 }, model: 'normal' });
    saveProgress(storage, progress);
    expect(loadProgress(storage, () => 9)).toEqual(progress);

    store.set(QUIZ_STORAGE_KEY, '{"version":1,"seed":3,"answers":[{"caseId":"hand-1","learner":"maybe"}]}');
    expect(loadProgress(storage, () => 9)).toEqual(newProgress(9));
    store.set(QUIZ_STORAGE_KEY, 'not json');
    expect(loadProgress(storage, () => 9)).toEqual(newProgress(9));
    expect(loadProgress(null, () => 9)).toEqual(newProgress(9));
  });

  it('keeps working when storage refuses writes', () => {
    const full = { setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(() => saveProgress(full, newProgress(1))).not.toThrow();
  });
});

// Calibration on a site's own cases: ROC, AUC, its interval, operating points and threshold rules against
// values worked out by hand on a small fixed table, and the per-part figures built from them.
import { describe, expect, it } from 'vitest';
import { calibrate, MIN_CASES_PER_LABEL, siteThresholdsFor, thresholdsByRule, type LabelledResult } from '../../src/pipeline/calibration';
import { reportContent } from '../../src/app/report-content';
import { redecide } from '../../src/pipeline/decision';
import { parseManifest } from '../../src/pipeline/manifest';
import { aucInterval, aucOf, operatingPoint, quantile, rocCurve, seededRandom, type ScoredCase } from '../../src/pipeline/roc';
import { applySiteThresholds } from '../../src/pipeline/site-thresholds';
import { groupStudies } from '../../src/pipeline/study';
import { highForRule, lowForRule, thresholdsForRule } from '../../src/pipeline/threshold-rules';
import type { ImageResult } from '../../src/pipeline/types';
import { exampleManifestJson } from './support/manifest-example';

const manifest = parseManifest(exampleManifestJson());

/**
 * The hand-worked table: five abnormal and five normal cases, one tie across the labels (0.4).
 * Abnormal 0.9 0.8 0.7 0.55 0.4; normal 0.6 0.4 0.3 0.2 0.1.
 */
const ABNORMAL = [0.9, 0.8, 0.7, 0.55, 0.4];
const NORMAL = [0.6, 0.4, 0.3, 0.2, 0.1];
const TABLE: ScoredCase[] = [
  ...ABNORMAL.map((probability) => ({ probability, abnormal: true })),
  ...NORMAL.map((probability) => ({ probability, abnormal: false })),
];

describe('AUC (Mann-Whitney, ties half)', () => {
  it('counts the abnormal-above-normal pairs: (5+5+5+4+3.5)/25 = 0.9', () => {
    // 0.9, 0.8, 0.7 beat all five normals; 0.55 beats four; 0.4 beats three and ties one (half)
    expect(aucOf(TABLE)).toBeCloseTo(22.5 / 25, 12);
  });

  it('is 1 for a perfect split, 0.5 when every score ties, and null without both labels', () => {
    expect(aucOf([{ probability: 0.8, abnormal: true }, { probability: 0.2, abnormal: false }])).toBe(1);
    expect(aucOf([{ probability: 0.5, abnormal: true }, { probability: 0.5, abnormal: false }])).toBe(0.5);
    expect(aucOf(TABLE.filter((c) => c.abnormal))).toBeNull();
    expect(aucOf([])).toBeNull();
  });

  it("is unchanged by the cases' order", () => {
    expect(aucOf([...TABLE].reverse())).toBeCloseTo(0.9, 12);
  });
});

describe('ROC curve', () => {
  it('has one point per distinct threshold, from (0,0) at 1 to (1,1) at 0, as worked out by hand', () => {
    const points = rocCurve(TABLE).map((p) => [p.threshold, p.falsePositiveRate, p.truePositiveRate]);
    expect(points).toEqual([
      [1, 0, 0],
      [0.9, 0, 0.2],
      [0.8, 0, 0.4],
      [0.7, 0, 0.6],
      [0.6, 0.2, 0.6],
      [0.55, 0.2, 0.8],
      [0.4, 0.4, 1],
      [0.3, 0.6, 1],
      [0.2, 0.8, 1],
      [0.1, 1, 1],
      [0, 1, 1],
    ]);
  });

  it('encloses the Mann-Whitney AUC (trapezoids, ties on the diagonal)', () => {
    const points = rocCurve(TABLE);
    let area = 0;
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1], points[i]];
      area += (b.falsePositiveRate - a.falsePositiveRate) * ((a.truePositiveRate + b.truePositiveRate) / 2);
    }
    expect(area).toBeCloseTo(aucOf(TABLE)!, 12);
  });

  it('is empty without both labels', () => {
    expect(rocCurve(TABLE.filter((c) => !c.abnormal))).toEqual([]);
  });
});

describe('bootstrap 95% interval of the AUC', () => {
  it('is the same for the same seed and brackets the AUC', () => {
    const first = aucInterval(TABLE, { seed: 7 });
    expect(first).toEqual(aucInterval(TABLE, { seed: 7 }));
    const [low, high] = first!;
    expect(low).toBeLessThanOrEqual(0.9);
    expect(high).toBeGreaterThanOrEqual(0.9);
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThanOrEqual(1);
    expect(low).toBeLessThan(high);
  });

  it('collapses to the AUC when every resample is the table itself (one case of each label)', () => {
    expect(aucInterval([{ probability: 0.3, abnormal: true }, { probability: 0.6, abnormal: false }])).toEqual([0, 0]);
  });

  it('narrows as the table grows (ten copies of each case)', () => {
    const [low, high] = aucInterval(TABLE)!;
    const [bigLow, bigHigh] = aucInterval(Array.from({ length: 10 }, () => TABLE).flat())!;
    expect(bigHigh - bigLow).toBeLessThan(high - low);
  });

  it('is null without both labels', () => {
    expect(aucInterval(TABLE.filter((c) => c.abnormal))).toBeNull();
  });

  it('reads quantiles by linear interpolation, and its PRNG stays in [0, 1) and repeats by seed', () => {
    expect(quantile([0, 10, 20, 30], 0.5)).toBe(15);
    expect(quantile([0, 10, 20, 30], 0.025)).toBeCloseTo(0.75, 12);
    const a = seededRandom(42);
    const b = seededRandom(42);
    const draws = Array.from({ length: 1000 }, () => a());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(seededRandom(43)()).not.toBe(draws[0]);
  });
});

describe('operating point of thresholds (low, high)', () => {
  it('at low 0.4, high 0.7: three abnormal calls, three normal calls, four uncertain, as by hand', () => {
    expect(operatingPoint(TABLE, { low: 0.4, high: 0.7 })).toEqual({
      cases: 10,
      abnormalCases: 5,
      normalCases: 5,
      calledAbnormal: 3, // 0.9 0.8 0.7
      calledNormal: 3, // 0.3 0.2 0.1
      uncertain: 4, // 0.6 0.55 0.4 0.4
      sensitivity: 0.6,
      specificity: 0.6,
      abnormalCallsRight: 1,
      normalCallsRight: 1,
      decided: 0.6,
    });
  });

  it('with low = high decides every case (no uncertain band)', () => {
    const point = operatingPoint(TABLE, { low: 0.5, high: 0.5 });
    expect(point.uncertain).toBe(0);
    expect(point.decided).toBe(1);
    // called abnormal: 0.9 0.8 0.7 0.55 and the normal 0.6
    expect(point.calledAbnormal).toBe(5);
    expect(point.abnormalCallsRight).toBeCloseTo(4 / 5, 12);
    expect(point.sensitivity).toBeCloseTo(4 / 5, 12);
  });

  it('gives null rates where there is nothing to divide by', () => {
    const point = operatingPoint(TABLE, { low: 0, high: 1 });
    expect(point.calledAbnormal + point.calledNormal).toBe(0);
    expect(point.abnormalCallsRight).toBeNull();
    expect(point.normalCallsRight).toBeNull();
    expect(point.decided).toBe(0);
    expect(operatingPoint([], { low: 0.3, high: 0.7 }).decided).toBeNull();
  });
});

describe('threshold rules: calls at least X% right, deciding as many as possible', () => {
  it('abnormal calls >= 90% right: high = 0.7 (at 0.55 only 4 of 5 calls are right)', () => {
    expect(highForRule(TABLE, 0.9)).toEqual({ high: 0.7, met: true });
  });

  it('abnormal calls >= 80% right: high = 0.55 (4 of 5 right; 0.4 would give 5 of 7)', () => {
    expect(highForRule(TABLE, 0.8)).toEqual({ high: 0.55, met: true });
  });

  it('normal calls >= 90% right: low = 0.4 (below it 3 of 3 normal; below 0.55 only 4 of 5)', () => {
    expect(lowForRule(TABLE, 0.9)).toEqual({ low: 0.4, met: true });
    expect(lowForRule(TABLE, 0.8)).toEqual({ low: 0.55, met: true });
  });

  it('says so when no threshold meets the rule, and then calls nothing on that side', () => {
    const flipped = TABLE.map((c) => ({ ...c, abnormal: !c.abnormal }));
    // flipped, the top case (0.9) is normal and the bottom one (0.1) abnormal: no call set is 100% right
    expect(highForRule(flipped, 1)).toEqual({ high: 1, met: false });
    expect(lowForRule(flipped, 1)).toEqual({ low: 0, met: false });
  });

  it('both together; where they overlap low comes down to high', () => {
    expect(thresholdsForRule(TABLE, { abnormalCallsRight: 0.9, normalCallsRight: 0.9 }).thresholds).toEqual({ low: 0.4, high: 0.7 });
    // 80% / 50%: high 0.55, low would be 1 (every case below 1 is normal half the time): capped at high
    const overlap = thresholdsForRule(TABLE, { abnormalCallsRight: 0.8, normalCallsRight: 0.5 });
    expect(overlap.thresholds).toEqual({ low: 0.55, high: 0.55 });
  });
});

/** Labelled results as the app and CLI give them to calibrate(). */
function labelled(part: string | null, probability: number | null, label: 'normal' | 'abnormal', study: string | null = null): LabelledResult {
  return {
    label: { label, part: null, study },
    result: { bodyPart: part, abnormalProbability: probability, decision: part === null ? 'unsupported' : 'normal' },
  };
}

describe('calibrate: figures per body part', () => {
  const cases: LabelledResult[] = [
    ...ABNORMAL.map((p) => labelled('elbow', p, 'abnormal')),
    ...NORMAL.map((p) => labelled('elbow', p, 'normal')),
    labelled('hand', 0.8, 'abnormal'),
    labelled(null, null, 'normal'),
    { label: { label: 'normal', part: null, study: null }, result: { bodyPart: null, abnormalProbability: null, decision: 'error' } },
  ];

  it('gives each assessed part its counts, AUC, curve and shipped operating point, and counts the rest apart', () => {
    const result = calibrate(cases, manifest);
    expect(result.modelVersion).toBe(manifest.version);
    expect(result.parts.map((p) => p.part)).toEqual(['elbow', 'hand']);
    const elbow = result.parts[0];
    expect(elbow.images.counts).toEqual({ normal: 5, abnormal: 5 });
    expect(elbow.images.auc).toBeCloseTo(0.9, 12);
    expect(elbow.images.atShipped).toEqual(operatingPoint(TABLE, manifest.thresholds.elbow));
    expect(elbow.images.atSite).toBeNull();
    expect(elbow.studies).toBeNull();
    expect(result.notAssessed).toEqual({ unsupported: 1, failed: 1 });
  });

  it(`warns where a label has fewer than ${MIN_CASES_PER_LABEL} cases, or none`, () => {
    const [elbow, hand] = calibrate(cases, manifest).parts;
    expect(elbow.warnings).toEqual([
      `Only 5 abnormal elbow images: at least ${MIN_CASES_PER_LABEL} of each are needed to set thresholds responsibly.`,
      `Only 5 normal elbow images: at least ${MIN_CASES_PER_LABEL} of each are needed to set thresholds responsibly.`,
    ]);
    expect(hand.warnings[1]).toMatch(/^No normal hand images/);
    expect(hand.images.auc).toBeNull();
    const many = Array.from({ length: MIN_CASES_PER_LABEL }, () => TABLE).flat().map((c) => labelled('elbow', c.probability, c.abnormal ? 'abnormal' : 'normal'));
    expect(calibrate(many, manifest).parts[0].warnings).toEqual([]);
  });

  it('averages the views of a study (mean, as study.ts) and calls a study abnormal when any view is labelled so', () => {
    const studies = [
      labelled('elbow', 0.9, 'abnormal', 'p1/s1'),
      labelled('elbow', 0.5, 'abnormal', 'p1/s1'), // study 0.7, abnormal
      labelled('elbow', 0.2, 'normal', 'p2/s1'),
      labelled('elbow', 0.8, 'normal', 'p2/s1'), // study 0.5, normal
    ];
    const [elbow] = calibrate(studies, manifest).parts;
    expect(elbow.images.counts).toEqual({ normal: 2, abnormal: 2 });
    expect(elbow.studies!.counts).toEqual({ normal: 1, abnormal: 1 });
    expect(elbow.studies!.auc).toBe(1);
    expect(elbow.images.auc).toBe(0.75); // 0.9 beats both, 0.5 beats 0.2 only
  });

  it('figures at site thresholds, and the thresholds file carrying the case counts', () => {
    const chosen = thresholdsByRule(cases, ['elbow'], { abnormalCallsRight: 0.9, normalCallsRight: 0.9 });
    expect(chosen).toEqual({ elbow: { low: 0.4, high: 0.7 } });
    const site = siteThresholdsFor(calibrate(cases, manifest), chosen, new Date('2026-12-06T10:00:00Z'));
    expect(site).toEqual({
      format: 'bonelens-site-thresholds',
      version: 1,
      modelVersion: manifest.version,
      createdAt: '2026-12-06T10:00:00.000Z',
      parts: { elbow: { low: 0.4, high: 0.7, cases: { normal: 5, abnormal: 5 } } },
    });
    const [elbow] = calibrate(cases, manifest, site).parts;
    expect(elbow.site).toEqual({ low: 0.4, high: 0.7 });
    expect(elbow.images.atSite!.decided).toBe(0.6);
  });
});

describe('decisions with site thresholds go through the one decision rule', () => {
  const site = {
    format: 'bonelens-site-thresholds' as const, version: 1 as const, modelVersion: manifest.version, createdAt: '2026-12-06T10:00:00Z',
    parts: { elbow: { low: 0.5, high: 0.5, cases: { normal: 30, abnormal: 30 } } },
  };
  const atSite = applySiteThresholds(manifest, site);
  const uncertainByShipped = (manifest.thresholds.elbow.low + manifest.thresholds.elbow.high) / 2;
  const elbow: ImageResult = {
    file: 'a.png', bodyPart: 'elbow', bodyPartProbabilities: {}, abnormalProbability: uncertainByShipped,
    decision: 'uncertain', error: null, heatmap: null, width: 1, height: 1,
  };

  it('redecides an image with the site thresholds, says so, and goes back when they are reset', () => {
    const decided = redecide(elbow, atSite);
    expect(decided.decision).toBe(uncertainByShipped >= 0.5 ? 'abnormal' : 'normal');
    expect(decided.siteThresholds).toBe(true);
    const reset = redecide(decided, manifest);
    expect(reset.decision).toBe('uncertain');
    expect(reset).not.toHaveProperty('siteThresholds');
  });

  it('leaves parts without site thresholds on the shipped ones, and studies say which they used', () => {
    const hand = { ...elbow, bodyPart: 'hand' };
    expect(redecide(hand, atSite)).toEqual(hand);
    const [elbowStudy, handStudy] = groupStudies([elbow, hand], atSite);
    expect(elbowStudy.siteThresholds).toBe(true);
    expect(handStudy.siteThresholds).toBeUndefined();
    expect(handStudy.decision).toBe('uncertain');
  });

  it("a study report names the site thresholds it was decided with", () => {
    const [study] = groupStudies([elbow], atSite);
    const at = new Date('2026-12-06T10:00:00Z');
    const content = reportContent({ study, views: [{ title: 'Image 1', result: redecide(elbow, atSite) }] }, atSite, at);
    expect(content.details.join(' ')).toContain("Elbow films (this site's own thresholds): normal below 50%, abnormal from 50%");
    const shipped = reportContent({ study: groupStudies([elbow], manifest)[0]!, views: [{ title: 'Image 1', result: elbow }] }, manifest, at);
    expect(shipped.details.join(' ')).not.toContain("site's own thresholds");
  });
});

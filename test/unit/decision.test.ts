import { describe, expect, it } from 'vitest';
import { decideBodyPart, plainClassName, sigmoid, softmax, tierOf } from '../../src/pipeline/decision';
import { bodyPartClasses, parseManifest } from '../../src/pipeline/manifest';
import { exampleManifestJson } from './support/manifest-example';

const manifest = parseManifest(exampleManifestJson());
const classes = bodyPartClasses(manifest);
const rule = manifest.bodyPart;

/** Probabilities with `p` on `part` and the rest spread evenly over the other classes. */
function probabilitiesFavouring(part: string, p: number): number[] {
  return classes.map((c) => (c === part ? p : (1 - p) / (classes.length - 1)));
}

describe('softmax and sigmoid', () => {
  it('softmax gives probabilities summing to 1, ordered like the logits, even for huge logits', () => {
    const p = softmax([1000, 999, 0]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[0]).toBeGreaterThan(p[1]);
    expect(p[2]).toBeGreaterThanOrEqual(0);
    expect(softmax([0, 0])).toEqual([0.5, 0.5]);
  });

  it('sigmoid maps 0 to 0.5, is symmetric and stays finite for extreme logits', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2) + sigmoid(-2)).toBeCloseTo(1, 12);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
  });
});

describe('stage 1: body-part acceptance', () => {
  it('accepts a supported part whose probability reaches minConfidence exactly', () => {
    const call = decideBodyPart(probabilitiesFavouring('hand', rule.minConfidence), classes, rule);
    expect(call).toMatchObject({ accepted: true, part: 'hand', classIndex: classes.indexOf('hand') });
  });

  it('rejects a supported part just below minConfidence, saying it is unclear', () => {
    const probabilities = probabilitiesFavouring('elbow', rule.minConfidence - 0.01);
    const call = decideBodyPart(probabilities, classes, rule);
    expect(call.accepted).toBe(false);
    expect(call.part).toBe('elbow');
    if (!call.accepted) expect(call.reason).toMatch(/body part unclear/);
  });

  it('rejects a confident call of an unsupported class, naming what it looks like', () => {
    for (const other of classes.filter((c) => !rule.supported.includes(c))) {
      const call = decideBodyPart(probabilitiesFavouring(other, 0.99), classes, rule);
      expect(call.accepted).toBe(false);
      if (!call.accepted) expect(call.reason).toMatch(/^not a supported radiograph: it (looks like a film of another body part|does not look like a radiograph at all)/);
    }
  });

  it('names the classes that are not a body part in plain words', () => {
    expect(plainClassName('other_xray')).toBe('another body part');
    expect(plainClassName('not_xray')).toBe('not a radiograph');
    const call = decideBodyPart(probabilitiesFavouring('not_xray', 0.997), classes, rule);
    expect(!call.accepted && call.reason).toBe('not a supported radiograph: it does not look like a radiograph at all (supported: elbow, hand, shoulder)');
  });
});

describe('threshold tiers', () => {
  const t = manifest.thresholds.elbow;
  it('is normal below low, uncertain from low up to high, abnormal from high', () => {
    expect(tierOf(0, t)).toBe('normal');
    expect(tierOf(t.low - 1e-9, t)).toBe('normal');
    expect(tierOf(t.low, t)).toBe('uncertain');
    expect(tierOf((t.low + t.high) / 2, t)).toBe('uncertain');
    expect(tierOf(t.high - 1e-9, t)).toBe('uncertain');
    expect(tierOf(t.high, t)).toBe('abnormal');
    expect(tierOf(1, t)).toBe('abnormal');
  });
});

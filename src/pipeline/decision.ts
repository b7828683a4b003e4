// The decision rules of docs/manifest.md: stage-1 acceptance and the threshold tier.
import type { Manifest, Thresholds } from './manifest';
import type { ImageResult } from './types';

export type Tier = 'normal' | 'uncertain' | 'abnormal';

export function softmax(logits: ArrayLike<number>): number[] {
  const values = Array.from(logits);
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function sigmoid(logit: number): number {
  return logit >= 0 ? 1 / (1 + Math.exp(-logit)) : Math.exp(logit) / (1 + Math.exp(logit));
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

export type BodyPartCall =
  | { accepted: true; part: string; classIndex: number; probability: number }
  | { accepted: false; part: string; classIndex: number; probability: number; reason: string };

/** Body-part classes that are not a part, in plain words; other classes read as themselves. */
const PLAIN_CLASS_NAMES: Record<string, string> = { other_xray: 'another body part', not_xray: 'not a radiograph' };

/** "other_xray" -> "another body part", "not_xray" -> "not a radiograph", "elbow" -> "elbow". */
export function plainClassName(name: string): string {
  return PLAIN_CLASS_NAMES[name] ?? name.replace(/_/g, ' ');
}

function looksLike(part: string): string {
  if (part === 'not_xray') return 'it does not look like a radiograph at all';
  if (part === 'other_xray') return 'it looks like a film of another body part';
  return `it looks like a ${plainClassName(part)} film`;
}

/** Stage 1: accepted only when the argmax class is supported and its probability reaches minConfidence. */
export function decideBodyPart(probabilities: readonly number[], classes: readonly string[], rule: Manifest['bodyPart']): BodyPartCall {
  const classIndex = argmax(probabilities);
  const part = classes[classIndex];
  const probability = probabilities[classIndex];
  const percent = (p: number) => `${(p * 100).toFixed(0)}%`;
  if (!rule.supported.includes(part)) {
    return {
      accepted: false, part, classIndex, probability,
      reason: `not a supported radiograph: ${looksLike(part)} (supported: ${rule.supported.join(', ')})`,
    };
  }
  if (probability < rule.minConfidence) {
    return {
      accepted: false, part, classIndex, probability,
      reason: `body part unclear (${plainClassName(part)} at ${percent(probability)}, below the ${percent(rule.minConfidence)} needed)`,
    };
  }
  return { accepted: true, part, classIndex, probability };
}

/** p < low: normal; p >= high: abnormal; otherwise uncertain. */
export function tierOf(probability: number, thresholds: Thresholds): Tier {
  if (probability < thresholds.low) return 'normal';
  if (probability >= thresholds.high) return 'abnormal';
  return 'uncertain';
}

/**
 * The tier of an abnormality probability with the thresholds in effect for its part (the manifest's, which
 * hold the site's own where they were applied, see site-thresholds.ts), and whether they were the site's.
 */
export function decideAbnormality(probability: number, part: string, manifest: Manifest): { decision: Tier; siteThresholds?: true } {
  const thresholds = manifest.thresholds[part];
  if (!thresholds) throw new Error(`no thresholds for body part "${part}" in the manifest`);
  const decision = tierOf(probability, thresholds);
  return manifest.siteThresholds?.parts.includes(part) ? { decision, siteThresholds: true } : { decision };
}

/** An analysed image decided again with the manifest's thresholds (after site thresholds were set or reset). */
export function redecide(result: ImageResult, manifest: Manifest): ImageResult {
  if (result.bodyPart === null || result.abnormalProbability === null) return result;
  const { siteThresholds: _previous, ...rest } = result;
  const decided = decideAbnormality(result.abnormalProbability, result.bodyPart, manifest);
  // an analysed film with a reason is one whose header names another part (src/pipeline/scope.ts): it stays uncertain
  return { ...rest, ...decided, ...(result.reason ? { decision: 'uncertain' as const } : {}) };
}

// How well abnormality probabilities separate labelled cases: the ROC curve, its area (AUC) with a bootstrap
// confidence interval, and what a pair of thresholds (low, high) does on the cases. Pure and deterministic.
import { tierOf } from './decision';
import type { Thresholds } from './manifest';

/** One labelled case: the model's abnormality probability and the truth. */
export interface ScoredCase {
  probability: number;
  abnormal: boolean;
}

/** A point of the ROC curve: calling abnormal every case with probability >= threshold. */
export interface RocPoint {
  threshold: number;
  /** share of normal cases called abnormal (1 - specificity) */
  falsePositiveRate: number;
  /** share of abnormal cases called abnormal (sensitivity) */
  truePositiveRate: number;
}

function countLabels(cases: readonly ScoredCase[]): { abnormal: number; normal: number } {
  const abnormal = cases.filter((c) => c.abnormal).length;
  return { abnormal, normal: cases.length - abnormal };
}

/**
 * The ROC curve, one point per distinct threshold (1, every probability seen, 0), from (0,0) towards (1,1).
 * Empty when the cases lack either label.
 */
export function rocCurve(cases: readonly ScoredCase[]): RocPoint[] {
  const { abnormal, normal } = countLabels(cases);
  if (abnormal === 0 || normal === 0) return [];
  const sorted = [...cases].sort((a, b) => b.probability - a.probability);
  const thresholds = [...new Set([1, ...sorted.map((c) => c.probability), 0])].sort((a, b) => b - a);
  const points: RocPoint[] = [];
  let at = 0;
  let truePositives = 0;
  let falsePositives = 0;
  for (const threshold of thresholds) {
    while (at < sorted.length && sorted[at].probability >= threshold) {
      if (sorted[at].abnormal) truePositives++;
      else falsePositives++;
      at++;
    }
    points.push({ threshold, falsePositiveRate: falsePositives / normal, truePositiveRate: truePositives / abnormal });
  }
  return points;
}

/**
 * The area under the ROC curve as the Mann-Whitney statistic: the chance that a random abnormal case scores
 * above a random normal one, ties counting half. Null when the cases lack either label.
 */
export function aucOf(cases: readonly ScoredCase[]): number | null {
  const { abnormal, normal } = countLabels(cases);
  if (abnormal === 0 || normal === 0) return null;
  const sorted = [...cases].sort((a, b) => a.probability - b.probability);
  let abnormalRankSum = 0;
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end < sorted.length && sorted[end].probability === sorted[start].probability) end++;
    const midRank = (start + 1 + end) / 2; // ranks start..end-1 (1-based start+1..end) share their mean
    for (let i = start; i < end; i++) if (sorted[i].abnormal) abnormalRankSum += midRank;
    start = end;
  }
  return (abnormalRankSum - (abnormal * (abnormal + 1)) / 2) / (abnormal * normal);
}

/** A small seeded PRNG (mulberry32): the same seed gives the same numbers on every machine, in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The q-quantile of ascending values, interpolating linearly between neighbours. */
export function quantile(ascending: readonly number[], q: number): number {
  const h = (ascending.length - 1) * q;
  const below = Math.floor(h);
  const above = Math.min(below + 1, ascending.length - 1);
  return ascending[below] + (h - below) * (ascending[above] - ascending[below]);
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** coverage of the interval, 0.95 for 95% */
  level?: number;
}

export const BOOTSTRAP_DEFAULTS = { resamples: 1000, seed: 20261206, level: 0.95 } as const;

/**
 * A percentile bootstrap interval for the AUC. Abnormal and normal cases are resampled separately (each
 * resample keeps the counts of both), so every resample has an AUC. Deterministic for a given seed.
 * Null when the cases lack either label.
 */
export function aucInterval(cases: readonly ScoredCase[], options: BootstrapOptions = {}): [number, number] | null {
  const { resamples, seed, level } = { ...BOOTSTRAP_DEFAULTS, ...options };
  const abnormal = cases.filter((c) => c.abnormal);
  const normal = cases.filter((c) => !c.abnormal);
  if (abnormal.length === 0 || normal.length === 0) return null;
  const random = seededRandom(seed);
  const draw = (from: ScoredCase[]) => Array.from(from, () => from[Math.floor(random() * from.length)]);
  const aucs: number[] = [];
  for (let r = 0; r < resamples; r++) aucs.push(aucOf([...draw(abnormal), ...draw(normal)])!);
  aucs.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return [quantile(aucs, tail), quantile(aucs, 1 - tail)];
}

/** What a pair of thresholds does on labelled cases (p < low: normal; p >= high: abnormal; else uncertain). */
export interface OperatingPoint {
  cases: number;
  abnormalCases: number;
  normalCases: number;
  calledAbnormal: number;
  calledNormal: number;
  uncertain: number;
  /** abnormal cases called abnormal, of all abnormal cases (an uncertain one counts as not caught); null without any */
  sensitivity: number | null;
  /** normal cases called normal, of all normal cases; null without any */
  specificity: number | null;
  /** abnormal calls that were right; null without abnormal calls */
  abnormalCallsRight: number | null;
  /** normal calls that were right; null without normal calls */
  normalCallsRight: number | null;
  /** share of cases called normal or abnormal (not uncertain); null without cases */
  decided: number | null;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

export function operatingPoint(cases: readonly ScoredCase[], thresholds: Thresholds): OperatingPoint {
  let truePositives = 0;
  let falsePositives = 0;
  let trueNegatives = 0;
  let falseNegatives = 0;
  for (const { probability, abnormal } of cases) {
    const tier = tierOf(probability, thresholds);
    if (tier === 'abnormal') abnormal ? truePositives++ : falsePositives++;
    else if (tier === 'normal') abnormal ? falseNegatives++ : trueNegatives++;
  }
  const { abnormal, normal } = countLabels(cases);
  const calledAbnormal = truePositives + falsePositives;
  const calledNormal = trueNegatives + falseNegatives;
  return {
    cases: cases.length,
    abnormalCases: abnormal,
    normalCases: normal,
    calledAbnormal,
    calledNormal,
    uncertain: cases.length - calledAbnormal - calledNormal,
    sensitivity: ratio(truePositives, abnormal),
    specificity: ratio(trueNegatives, normal),
    abnormalCallsRight: ratio(truePositives, calledAbnormal),
    normalCallsRight: ratio(trueNegatives, calledNormal),
    decided: ratio(calledAbnormal + calledNormal, cases.length),
  };
}

// Choosing a site's thresholds from its labelled cases by a rule a person can state: "abnormal calls at least
// X% right" sets `high`, "normal calls at least Y% right" sets `low`, each deciding as many cases as it can.
import type { Thresholds } from './manifest';
import type { ScoredCase } from './roc';

export interface ThresholdRule {
  /** least share of abnormal calls (p >= high) that must be right, in [0, 1] */
  abnormalCallsRight: number;
  /** least share of normal calls (p < low) that must be right, in [0, 1] */
  normalCallsRight: number;
}

export interface RuleChoice {
  thresholds: Thresholds;
  /** whether some threshold met each half of the rule (when not, that side calls no case) */
  highMet: boolean;
  lowMet: boolean;
}

/** Distinct probabilities, ascending, each with how many cases (and abnormal ones) lie below it. */
function cumulative(cases: readonly ScoredCase[]) {
  const sorted = [...cases].sort((a, b) => a.probability - b.probability);
  const steps: { value: number; below: number; abnormalBelow: number }[] = [];
  let abnormalBelow = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i].probability !== sorted[i - 1].probability) steps.push({ value: sorted[i].probability, below: i, abnormalBelow });
    if (sorted[i].abnormal) abnormalBelow++;
  }
  return { steps, total: sorted.length, abnormalTotal: abnormalBelow };
}

/**
 * The lowest `high` (so the most abnormal calls) whose abnormal calls are at least `minRight` right; when
 * none is, `high` = 1 (no case called abnormal).
 */
export function highForRule(cases: readonly ScoredCase[], minRight: number): { high: number; met: boolean } {
  const { steps, total, abnormalTotal } = cumulative(cases);
  for (const { value, below, abnormalBelow } of steps) {
    const calls = total - below;
    if ((abnormalTotal - abnormalBelow) / calls >= minRight) return { high: value, met: true };
  }
  return { high: 1, met: false };
}

/**
 * The highest `low` (so the most normal calls) whose normal calls are at least `minRight` right; when none
 * is, `low` = 0 (no case called normal).
 */
export function lowForRule(cases: readonly ScoredCase[], minRight: number): { low: number; met: boolean } {
  const { steps } = cumulative(cases);
  // low = 1 calls normal every case below 1; then each distinct probability, highest first
  const candidates = [{ value: 1, below: cases.filter((c) => c.probability < 1).length, abnormalBelow: cases.filter((c) => c.probability < 1 && c.abnormal).length }];
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i].value < 1) candidates.push(steps[i]);
  for (const { value, below, abnormalBelow } of candidates) {
    if (below > 0 && (below - abnormalBelow) / below >= minRight) return { low: value, met: true };
  }
  return { low: 0, met: false };
}

/** Both thresholds by the rule; where the two overlap, `low` is lowered to `high` so no case is called both ways. */
export function thresholdsForRule(cases: readonly ScoredCase[], rule: ThresholdRule): RuleChoice {
  const { high, met: highMet } = highForRule(cases, rule.abnormalCallsRight);
  const { low, met: lowMet } = lowForRule(cases, rule.normalCallsRight);
  return { thresholds: { low: Math.min(low, high), high }, highMet, lowMet };
}

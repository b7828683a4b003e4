// Words, symbols and colours for what the pipeline returns. Every decision is shown in words and with
// a symbol as well as a colour, so colour is never the only carrier of meaning.
import type { Decision } from '../pipeline/types';
import { plainClassName } from '../pipeline/decision';

export interface DecisionStyle {
  label: string;
  symbol: string;
  /** CSS custom property holding the colour (defined in App.svelte, contrast-checked on the dark theme) */
  colour: string;
  explanation: string;
}

export const DECISION_STYLES: Record<Decision, DecisionStyle> = {
  normal: {
    label: 'Likely normal',
    symbol: '✓',
    colour: 'var(--normal)',
    explanation: 'The abnormality score is below the "normal" line for this body part.',
  },
  uncertain: {
    label: 'Uncertain',
    symbol: '?',
    colour: 'var(--uncertain)',
    explanation: "The model cannot tell on this film: rely on your own reading or a colleague's.",
  },
  abnormal: {
    label: 'Possibly abnormal',
    symbol: '!',
    colour: 'var(--abnormal)',
    explanation: 'The abnormality score is at or above the "abnormal" line for this body part.',
  },
  unsupported: {
    label: 'Not analysed',
    symbol: '⊘',
    colour: 'var(--unsupported)',
    explanation: 'This image is not a radiograph of a body part the models were trained on.',
  },
  error: {
    label: 'Could not read',
    symbol: '×',
    colour: 'var(--error)',
    explanation: 'The file could not be analysed.',
  },
};

/**
 * A probability as a whole percent (more digits would be false precision); the ends read "under 1%" and
 * "over 99%" rather than a certain-looking 0% or 100%. `digits` > 0 for the few places that need more.
 */
export function percent(probability: number, digits = 0): string {
  if (digits === 0) {
    if (probability > 0 && probability < 0.005) return 'under 1%';
    if (probability < 1 && probability >= 0.995) return 'over 99%';
  }
  return `${(probability * 100).toFixed(digits)}%`;
}

/** A body-part class for people: "elbow" -> "Elbow", "other_xray" -> "Another body part", "not_xray" -> "Not a radiograph". */
export function classLabel(name: string): string {
  const words = plainClassName(name);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Manifest keys that read badly word by word, in plain words. */
const KEY_LABELS: Record<string, string> = {
  auc: 'AUC (how well it ranks abnormal above normal; 0.5 is chance, 1 perfect)',
  studyAuc: 'AUC per study',
  withinSourceAuc: 'AUC within one source',
  pooledAuc: 'AUC with sources pooled',
  sourceOnlyBaselineAuc: 'AUC from knowing the source alone (a baseline)',
  confounded: 'Source gives the label away',
  ece: 'Calibration error (ECE: 0 is perfect)',
  kappaImage: 'Agreement with the labels (kappa), per image',
  kappaStudy: 'Agreement with the labels (kappa), per study',
  uncertainFraction: 'Share called uncertain',
  sensitivityAtLow: 'Abnormal films caught at the "normal" line',
  specificityAtLow: 'Normal films kept at the "normal" line',
  sensitivityAtHigh: 'Abnormal films caught at the "abnormal" line',
  specificityAtHigh: 'Normal films kept at the "abnormal" line',
  bodypart: 'Body part',
  bodypartBySource: 'Body part by source',
  abnormalityBySource: 'Abnormality by source',
  accuracySupported: 'Body part right, supported films',
  falseRejectionSupported: 'Supported films wrongly rejected',
  rejectionNonRadiographs: 'Non-radiographs rejected',
  rejectionOtherRadiographs: 'Films of other parts rejected',
  minConfidence: 'Least confidence to accept a body part',
  other_xray: 'Another body part',
  not_xray: 'Not a radiograph',
};

/** A manifest key for people: the plain-words label when there is one, else the key in words. */
export function readableKey(key: string): string {
  return KEY_LABELS[key] ?? titleCase(key);
}

/** Drops repository paths ("see docs/MODEL_CARD.md", "training/runs/x"): they mean nothing in the app. */
export function withoutPaths(text: string): string {
  const cleaned = text
    .replace(/[;,]?\s*\(?see [\w.-]+(?:\/[\w.-]+)+\)?/gi, '')
    .replace(/\b(?:training|docs|public|src|test)\/[\w./:-]+/g, '')
    .replace(/\s+([.,;])/g, '$1')
    .trim();
  return text.trim().endsWith('.') && !cleaned.endsWith('.') ? `${cleaned}.` : cleaned;
}

/** "shoulder" -> "Shoulder", "not_xray" -> "Not xray", "intendedUse" -> "Intended use". */
export function titleCase(name: string): string {
  const words = name.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, (_, a: string, b: string) => `${a} ${b.toLowerCase()}`);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

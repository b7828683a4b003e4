// Words, symbols and colours for what the pipeline returns. Every decision is shown in words and with
// a symbol as well as a colour, so colour is never the only carrier of meaning.
import type { Decision } from '../pipeline/types';

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
    explanation: 'The abnormality probability is below the lower threshold for this body part.',
  },
  uncertain: {
    label: 'Uncertain',
    symbol: '?',
    colour: 'var(--uncertain)',
    explanation: 'The abnormality probability lies between the two thresholds for this body part.',
  },
  abnormal: {
    label: 'Possibly abnormal',
    symbol: '!',
    colour: 'var(--abnormal)',
    explanation: 'The abnormality probability is at or above the upper threshold for this body part.',
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

export function percent(probability: number, digits = 1): string {
  return `${(probability * 100).toFixed(digits)}%`;
}

export function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "shoulder" -> "Shoulder", "not_xray" -> "Not xray", "intendedUse" -> "Intended use". */
export function titleCase(name: string): string {
  const words = name.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, (_, a: string, b: string) => `${a} ${b.toLowerCase()}`);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

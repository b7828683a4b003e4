// The few things this app remembers between visits, in localStorage: the backend the user chose, whether
// exports anonymise file names, and that the "not a medical device" notice was acknowledged. Images and
// results are never stored.
import type { BackendChoice } from '../worker/protocol';

const BACKEND_KEY = 'bonelens.backend';
const NOTICE_KEY = 'bonelens.notice-acknowledged';
const ANONYMISE_KEY = 'bonelens.anonymise-exports';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgl', 'wasm', 'cpu'];

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled: behave like a first visit
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage disabled: the choice lasts for this visit only
  }
}

export function loadBackendChoice(): BackendChoice {
  const stored = read(BACKEND_KEY);
  return BACKEND_CHOICES.find((choice) => choice === stored) ?? 'auto';
}

export function saveBackendChoice(choice: BackendChoice): void {
  write(BACKEND_KEY, choice);
}

export function noticeAcknowledged(): boolean {
  return read(NOTICE_KEY) === 'yes';
}

export function acknowledgeNotice(): void {
  write(NOTICE_KEY, 'yes');
}

/** Exports anonymise file names unless the user turned it off. */
export function loadAnonymise(): boolean {
  return read(ANONYMISE_KEY) !== 'no';
}

export function saveAnonymise(on: boolean): void {
  write(ANONYMISE_KEY, on ? 'yes' : 'no');
}

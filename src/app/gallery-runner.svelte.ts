// Loads the example catalogue and runs cases through the page's one analysis worker (the Session's),
// one at a time, keeping each result for the visit. The images come from our own origin (precached by
// the service worker), so the gallery works offline like the rest of the app.
import { CASES_FILE, EXAMPLES_DIR, parseCases, type ExampleCase } from './gallery';
import type { Entry, Session } from './session.svelte';

/** Result-card ids of the gallery sit far above the session's own, so element ids never clash. */
const ENTRY_ID_BASE = 1_000_000;

type CatalogueState = { phase: 'loading' } | { phase: 'ready'; cases: ExampleCase[] } | { phase: 'failed'; reason: string };

export const exampleUrl = (file: string): string =>
  new URL(`${EXAMPLES_DIR}${file}`, new URL(import.meta.env.BASE_URL, document.baseURI)).href;

export class CaseRunner {
  catalogue = $state<CatalogueState>({ phase: 'loading' });
  /** one result-card entry per case opened during this visit */
  entries = $state<Record<string, Entry>>({});
  #session: Session;
  #queue: Promise<unknown> = Promise.resolve();
  #finished = new Map<string, Promise<Entry>>();

  constructor(session: Session) {
    this.#session = session;
  }

  async load(): Promise<void> {
    try {
      const response = await fetch(exampleUrl(CASES_FILE));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.catalogue = { phase: 'ready', cases: parseCases(await response.json()) };
    } catch (error) {
      this.catalogue = { phase: 'failed', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** The case's result entry, analysing it first if this visit has not yet (or the last run failed). */
  run(item: ExampleCase, index: number): Entry {
    const known = this.entries[item.id];
    if (known && !(known.status === 'done' && known.reply?.result.decision === 'error')) return known;
    this.entries[item.id] = { id: ENTRY_ID_BASE + index, dropId: -1, name: item.file, bytes: item.bytes, status: 'queued', reply: null };
    const finished = this.#queue.then(() => this.#analyse(item));
    this.#queue = finished.catch(() => {});
    this.#finished.set(item.id, finished);
    return this.entries[item.id]!;
  }

  /** The case's entry once its result is in (running it if needed). */
  finished(item: ExampleCase, index: number): Promise<Entry> {
    const entry = this.run(item, index);
    return entry.status === 'done' ? Promise.resolve(entry) : this.#finished.get(item.id)!;
  }

  async #analyse(item: ExampleCase): Promise<Entry> {
    const entry = this.entries[item.id]!;
    entry.status = 'analysing';
    for (;;) {
      let file: File;
      try {
        const response = await fetch(exampleUrl(item.file));
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        file = new File([await response.blob()], item.file, { type: 'image/jpeg' });
      } catch {
        // an empty file: the worker reports it as unreadable, in its own words, on the card
        file = new File([], item.file);
      }
      const reply = await this.#session.analyseApart(file);
      if (reply === null) continue; // the worker was replaced (backend switch): run it on the new one
      entry.reply = reply;
      entry.status = 'done';
      return entry;
    }
  }

  /** Drops every result: after a backend switch they are re-run on demand. */
  forget(): void {
    this.entries = {};
    this.#finished.clear();
  }
}

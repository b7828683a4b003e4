// The page's state: the worker's lifecycle (backend, model download), the queue of dropped files and
// their results. Components only render this; all computation happens in the worker.
import type { BackendName } from '../models/backend';
import { errorResult } from '../pipeline/analyze';
import type { Manifest } from '../pipeline/manifest';
import { groupStudies } from '../pipeline/study';
import type { ImageResult, StudyResult } from '../pipeline/types';
import type { AnalyzeReply, BackendChoice, WorkerApi, WorkerEvent } from '../worker/protocol';
import { connect } from '../worker/rpc';
import { modelsUrl, wasmUrl } from './paths';
import { loadBackendChoice, saveBackendChoice } from './settings';

export type EntryStatus = 'queued' | 'analysing' | 'done';

export interface Entry {
  id: number;
  /** files dropped (or picked, or pasted) together share a drop id and may form studies */
  dropId: number;
  name: string;
  bytes: number;
  status: EntryStatus;
  reply: AnalyzeReply | null;
}

type ModelState =
  | { phase: 'starting' }
  | { phase: 'downloading'; loadedBytes: number; totalBytes: number }
  | { phase: 'ready' }
  | { phase: 'failed'; reason: string };

export class Session {
  backendChoice = $state<BackendChoice>(loadBackendChoice());
  backend = $state<BackendName | null>(null);
  model = $state<ModelState>({ phase: 'starting' });
  manifest = $state.raw<Manifest | null>(null);
  manifestJson = $state.raw<Record<string, unknown> | null>(null);
  entries = $state<Entry[]>([]);
  /** files finished and files in the current batch (both reset when the queue drains) */
  batch = $state({ done: 0, total: 0 });

  #worker: Worker | null = null;
  #ready: Promise<WorkerApi> | null = null;
  #nextId = 0;
  #nextDrop = 0;
  #draining = false;

  studies: StudyResult[] = $derived.by(() => {
    if (!this.manifest) return [];
    const results: ImageResult[] = [];
    const dropOf = new Map<ImageResult, number>();
    for (const entry of this.entries) {
      if (!entry.reply) continue;
      results.push(entry.reply.result);
      dropOf.set(entry.reply.result, entry.dropId);
    }
    return groupStudies(results, this.manifest, (r) => String(dropOf.get(r))).filter((s) => s.files.length > 1);
  });

  /** Starts (or restarts) the worker with the chosen backend and loads the models. */
  start(): Promise<WorkerApi> {
    this.#worker?.terminate();
    this.backend = null;
    this.model = { phase: 'starting' };
    const worker = new Worker(new URL('../worker/analysis.worker.ts', import.meta.url), {
      type: 'module',
      name: 'bonelens-analysis',
    });
    this.#worker = worker;
    const api = connect<WorkerApi, WorkerEvent>(worker, (event) => this.#onEvent(event));
    const ready = api
      .init({ backend: this.backendChoice, modelsUrl: modelsUrl(), wasmUrl: wasmUrl() })
      .then((reply) => {
        this.backend = reply.backend;
        this.manifest = reply.manifest;
        this.manifestJson = reply.manifestJson;
        this.model = { phase: 'ready' };
        return api;
      })
      .catch((error: unknown) => {
        this.model = { phase: 'failed', reason: error instanceof Error ? error.message : String(error) };
        throw error;
      });
    worker.addEventListener('error', (event) => {
      this.model = { phase: 'failed', reason: `the analysis worker stopped: ${event.message || 'unknown error'}` };
    });
    ready.catch(() => {}); // the failure is shown through `model`; callers that await it handle it themselves
    this.#ready = ready;
    return ready;
  }

  chooseBackend(choice: BackendChoice): void {
    this.backendChoice = choice;
    saveBackendChoice(choice);
    void this.start().then(() => this.reanalyse(), () => {});
  }

  /** Queues files dropped together; they are analysed one at a time, each result shown when ready. */
  add(files: Iterable<File>): void {
    const dropId = this.#nextDrop++;
    const added: { entry: Entry; file: File }[] = [];
    for (const file of files) {
      const entry: Entry = { id: this.#nextId++, dropId, name: file.name || 'pasted image', bytes: file.size, status: 'queued', reply: null };
      added.push({ entry, file });
    }
    if (added.length === 0) return;
    this.entries.push(...added.map((a) => a.entry));
    this.batch.total += added.length;
    for (const { entry, file } of added) this.#files.set(entry.id, file);
    void this.#drain();
  }

  remove(id: number): void {
    this.entries = this.entries.filter((entry) => entry.id !== id);
    this.#files.delete(id);
  }

  clear(): void {
    this.entries = this.entries.filter((entry) => entry.status !== 'done');
    for (const id of [...this.#files.keys()]) if (!this.entries.some((e) => e.id === id)) this.#files.delete(id);
  }

  /** Runs every kept file again (after a backend change), keeping the drop groups. */
  reanalyse(): void {
    const done = this.entries.filter((entry) => entry.status === 'done');
    for (const entry of done) {
      entry.status = 'queued';
      entry.reply = null;
    }
    this.batch = { done: 0, total: this.entries.filter((e) => e.status !== 'done').length };
    void this.#drain();
  }

  // The File objects stay in memory only (never persisted); they are needed to re-run on another backend.
  #files = new Map<number, File>();

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (;;) {
        const entry = this.entries.find((e) => e.status === 'queued');
        if (!entry) break;
        const file = this.#files.get(entry.id);
        entry.status = 'analysing';
        entry.reply = await this.#analyse(file, entry.name);
        entry.status = 'done';
        this.batch.done += 1;
      }
    } finally {
      this.#draining = false;
      this.batch = { done: 0, total: 0 };
    }
  }

  async #analyse(file: File | undefined, name: string): Promise<AnalyzeReply> {
    const failed = (reason: string): AnalyzeReply => ({
      result: errorResult(name, reason),
      preview: null,
      downscaled: false,
      milliseconds: 0,
    });
    if (!file) return failed('the file is no longer available');
    try {
      const api = await (this.#ready ?? this.start());
      return await api.analyze(file, name);
    } catch (error) {
      return failed(`the models could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #onEvent(event: WorkerEvent): void {
    if (event.type === 'backend') this.backend = event.backend;
    else if (event.type === 'modelProgress') {
      this.model = { phase: 'downloading', loadedBytes: event.loadedBytes, totalBytes: event.totalBytes };
    }
  }
}

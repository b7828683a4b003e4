// The page's state: the worker's lifecycle (backend, model download), the queue of dropped files and
// their results. Components only render this; all computation happens in the worker.
import type { BackendName } from '../models/backend';
import type { WasmFlavour } from '../models/wasm-flavour';
import { errorResult } from '../pipeline/analyze';
import { redecide } from '../pipeline/decision';
import type { Manifest } from '../pipeline/manifest';
import { applySiteThresholds, checkSiteThresholdsFor, type SiteThresholds } from '../pipeline/site-thresholds';
import { groupStudies } from '../pipeline/study';
import type { ImageResult, StudyResult } from '../pipeline/types';
import type { AnalyzeReply, BackendChoice, FullSizeDicom, WorkerApi, WorkerEvent } from '../worker/protocol';
import { connect, WorkerStopped } from '../worker/rpc';
import { defaultStudyKey } from './dicom-header';
import { duplicateNote, fileDigest, SeenFiles } from './duplicates';
import { combineFrames } from './frames';
import { modelsUrl, wasmUrl } from './paths';
import { loadAnonymise, loadBackendChoice, saveAnonymise, saveBackendChoice } from './settings';
import { titleCase } from '../ui/format';
import { loadSiteThresholds, saveSiteThresholds } from './site-store';

export type EntryStatus = 'queued' | 'analysing' | 'done';

export interface Entry {
  id: number;
  /** files dropped (or picked, or pasted) together share a drop id */
  dropId: number;
  /** the folder the file came from, when a folder was dropped or picked: its files form a study */
  folder?: string;
  /**
   * the study the user put this image in: a study key, null for "in no study"; undefined keeps the default
   * (its DICOM study, or its folder)
   */
  study?: string | null;
  /** SHA-256 of the file's bytes, to recognise the same file dropped again */
  digest?: string | null;
  /** the file name */
  name: string;
  bytes: number;
  status: EntryStatus;
  /** for a multi-frame file: its first frame's picture with the decision of all its frames combined */
  reply: AnalyzeReply | null;
  /** a multi-frame file's frames, each with its own result (named `name#k`, as the CLI does) */
  frames?: AnalyzeReply[];
}

/** A study with the cards of its views (for side-by-side display and its report). */
export interface StudyGroup {
  /** the study key and body part: unique per group */
  key: string;
  /** the study key the views share (what `Entry.study` holds) */
  studyKey: string;
  /** the name the user gave it, else "<Part> study <n>" */
  name: string;
  study: StudyResult;
  entries: Entry[];
}

/** The study an entry belongs to: the user's choice, else its DICOM study or folder; null for none. */
export function studyKeyOf(entry: Entry): string | null {
  if (entry.study !== undefined) return entry.study;
  return defaultStudyKey(entry.reply?.dicom?.meta, entry.folder);
}

type ModelState =
  | { phase: 'starting' }
  | { phase: 'downloading'; loadedBytes: number; totalBytes: number }
  | { phase: 'ready' }
  | { phase: 'failed'; reason: string };

export class Session {
  backendChoice = $state<BackendChoice>(loadBackendChoice());
  backend = $state<BackendName | null>(null);
  /** why the automatic choice skipped a backend (e.g. a software-only WebGL), shown next to it */
  backendNote = $state<string | null>(null);
  /** on WASM: which build runs (SIMD + threads needs a cross-origin isolated page) */
  wasmFlavour = $state.raw<WasmFlavour | null>(null);
  model = $state<ModelState>({ phase: 'starting' });
  /** the manifest as shipped (the Calibrate page compares against its thresholds) */
  shippedManifest = $state.raw<Manifest | null>(null);
  /** the site's own thresholds (Calibrate page), saved on this device; null: the shipped ones */
  site = $state.raw<SiteThresholds | null>(null);
  /** why saved site thresholds are not in use (made for other models), else null */
  siteProblem = $state<string | null>(null);
  /** the manifest with the thresholds in effect: every decision and display reads this one */
  manifest: Manifest | null = $derived(this.shippedManifest && applySiteThresholds(this.shippedManifest, this.site));
  #storedSite: Promise<SiteThresholds | null> | null = null;
  manifestJson = $state.raw<Record<string, unknown> | null>(null);
  entries = $state<Entry[]>([]);
  /** names the user gave studies, by study key */
  studyNames = $state<Record<string, string>>({});
  /** things the user should know about what was dropped (repeats left out), newest last */
  notes = $state<string[]>([]);
  /** exports say "Image 1, 2, 3" instead of file names (on by default) */
  anonymise = $state(loadAnonymise());
  /** files finished since the queue was last empty */
  #finishedInBatch = $state(0);
  /** progress of the current batch: i of n */
  batch = $derived.by(() => {
    const waiting = this.entries.filter((e) => e.status !== 'done').length;
    return { done: this.#finishedInBatch, total: waiting ? this.#finishedInBatch + waiting : 0 };
  });

  #worker: Worker | null = null;
  #stopWorker = new AbortController();
  #ready: Promise<WorkerApi> | null = null;
  #nextId = 0;
  #nextDrop = 0;
  #nextStudy = 0;
  #draining = false;
  #seen = new SeenFiles();

  /**
   * Views of one DICOM study (StudyInstanceUID), of one dropped folder, or that the user put in one study, per
   * body part; 2 views or more. Other images are never pooled on their own.
   */
  studyGroups: StudyGroup[] = $derived.by(() => {
    if (!this.manifest) return [];
    const entryOf = new Map<ImageResult, Entry>();
    const keyOf = new Map<ImageResult, string>();
    for (const entry of this.entries) {
      const key = studyKeyOf(entry);
      if (!entry.reply || key === null) continue;
      entryOf.set(entry.reply.result, entry);
      keyOf.set(entry.reply.result, key);
    }
    const results = [...entryOf.keys()];
    const groups: StudyGroup[] = [];
    for (const key of new Set(keyOf.values())) {
      const members = results.filter((r) => keyOf.get(r) === key);
      const parts = new Set(members.flatMap((r) => (r.bodyPart && r.abnormalProbability !== null ? [r.bodyPart] : [])));
      for (const part of parts) {
        const views = members.filter((r) => r.bodyPart === part);
        const [study] = groupStudies(views, this.manifest);
        if (!study || views.length < 2) continue;
        const entries = views.map((r) => entryOf.get(r)!);
        const name = this.studyNames[key] ?? `${titleCase(part)} study ${groups.length + 1}`;
        groups.push({ key: `${key}:${part}`, studyKey: key, name, study, entries });
      }
    }
    return groups;
  });

  /** Every study key in use (a study of one view included), to offer when placing an image. */
  studyChoices: { key: string; name: string }[] = $derived.by(() => {
    const keys = [...new Set(this.entries.flatMap((entry) => {
      const key = studyKeyOf(entry);
      return key === null ? [] : [key];
    }))];
    return keys.map((key, i) => ({ key, name: this.studyNames[key] ?? this.studyGroups.find((g) => g.studyKey === key)?.name ?? `Study ${i + 1}` }));
  });

  studies: StudyResult[] = $derived(this.studyGroups.map((g) => g.study));

  /** Starts (or restarts) the worker with the chosen backend and loads the models. */
  start(): Promise<WorkerApi> {
    this.#worker?.terminate();
    this.#stopWorker.abort();
    this.#stopWorker = new AbortController();
    this.backend = null;
    this.backendNote = null;
    this.wasmFlavour = null;
    this.model = { phase: 'starting' };
    const worker = new Worker(new URL('../worker/analysis.worker.ts', import.meta.url), {
      type: 'module',
      name: 'bonelens-analysis',
    });
    this.#worker = worker;
    const api = connect<WorkerApi, WorkerEvent>(worker, (event) => this.#onEvent(event), this.#stopWorker.signal);
    const ready = api
      .init({ backend: this.backendChoice, modelsUrl: modelsUrl(), wasmUrl: wasmUrl() })
      .then(async (reply) => {
        this.backend = reply.backend;
        this.shippedManifest = reply.manifest;
        this.manifestJson = reply.manifestJson;
        await this.#restoreSite(api, reply.manifest);
        this.model = { phase: 'ready' };
        return api;
      })
      .catch((error: unknown) => {
        if (error instanceof WorkerStopped) throw error; // replaced by a newer worker: its state wins
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

  /** The saved site thresholds (read once a visit), in use when they were made for these models. */
  async #restoreSite(api: WorkerApi, manifest: Manifest): Promise<void> {
    this.#storedSite ??= loadSiteThresholds();
    const stored = this.site ?? (await this.#storedSite);
    try {
      if (stored) checkSiteThresholdsFor(stored, manifest);
      this.site = stored;
    } catch (error) {
      this.site = null;
      this.siteProblem = `Your site thresholds were set for other models, so the shipped ones are in use (${error instanceof Error ? error.message : String(error)}).`;
    }
    await api.setSiteThresholds(this.site);
  }

  /** Decides with the site's thresholds from now on (saved on this device), or with null the shipped ones again. */
  async useSiteThresholds(chosen: SiteThresholds | null): Promise<void> {
    const site = chosen && ($state.snapshot(chosen) as SiteThresholds); // a plain object: stored and posted as is
    if (site && this.shippedManifest) checkSiteThresholdsFor(site, this.shippedManifest);
    await saveSiteThresholds(site);
    this.#storedSite = Promise.resolve(site);
    this.site = site;
    this.siteProblem = null;
    const api = await this.#ready?.catch(() => null);
    await api?.setSiteThresholds(site);
    const manifest = this.manifest;
    if (!manifest) return;
    for (const entry of this.entries) {
      if (entry.reply) entry.reply.result = redecide(entry.reply.result, manifest);
      for (const frame of entry.frames ?? []) frame.result = redecide(frame.result, manifest);
    }
  }

  chooseBackend(choice: BackendChoice): void {
    this.backendChoice = choice;
    saveBackendChoice(choice);
    void this.start().catch(() => {});
    this.reanalyse();
  }

  /**
   * Queues files dropped together; they are analysed one at a time, each result shown when ready. `folders`
   * gives the folder of files that came from a dropped or picked folder.
   */
  add(files: Iterable<File>, folders: ReadonlyMap<File, string> = new Map()): void {
    const dropId = this.#nextDrop++;
    const added: { entry: Entry; file: File }[] = [];
    for (const file of files) {
      const name = file.name || 'pasted image';
      const entry: Entry = { id: this.#nextId++, dropId, name, bytes: file.size, status: 'queued', reply: null };
      const folder = folders.get(file);
      if (folder !== undefined) entry.folder = folder;
      added.push({ entry, file });
    }
    if (added.length === 0) return;
    this.entries.push(...added.map((a) => a.entry));
    for (const { entry, file } of added) this.#files.set(entry.id, file);
    void this.#drain();
  }

  remove(id: number): void {
    const removed = this.entries.find((entry) => entry.id === id);
    this.entries = this.entries.filter((entry) => entry.id !== id);
    this.#files.delete(id);
    // removed, the file may come back
    this.#seen.forget(removed?.digest);
  }

  clear(): void {
    for (const entry of this.entries) if (entry.status === 'done') this.#seen.forget(entry.digest);
    this.entries = this.entries.filter((entry) => entry.status !== 'done');
    for (const id of [...this.#files.keys()]) if (!this.entries.some((e) => e.id === id)) this.#files.delete(id);
    this.notes = [];
  }

  dismissNotes(): void {
    this.notes = [];
  }

  setAnonymise(on: boolean): void {
    this.anonymise = on;
    saveAnonymise(on);
  }

  /** Puts an image in a study: a key, null for none, 'new' for a new study. */
  placeInStudy(id: number, study: string | null | 'new'): void {
    const entry = this.entries.find((e) => e.id === id);
    if (entry) entry.study = study === 'new' ? `user:${this.#nextStudy++}` : study;
  }

  renameStudy(key: string, name: string): void {
    const trimmed = name.trim();
    if (trimmed) this.studyNames[key] = trimmed;
    else delete this.studyNames[key];
  }

  /** Splits a study: its images belong to no study any more. */
  splitStudy(key: string): void {
    for (const entry of this.entries) if (studyKeyOf(entry) === key) entry.study = null;
  }

  /** Moves every image of study `from` into study `into`. */
  mergeStudies(from: string, into: string): void {
    if (from === into) return;
    for (const entry of this.entries) if (studyKeyOf(entry) === from) entry.study = into;
  }

  /** Runs every kept file again (after a backend change), keeping the drop groups. */
  reanalyse(): void {
    for (const entry of this.entries) {
      entry.status = 'queued';
      entry.reply = null;
      entry.frames = undefined;
    }
    this.#finishedInBatch = 0;
    this.#fullSizeTried.clear();
    void this.#drain();
  }

  /** Runs one file on the same worker without listing it with the dropped images (the example gallery). */
  async analyseApart(file: File): Promise<AnalyzeReply | null> {
    return (await this.#analyse(file, file.name))?.[0] ?? null;
  }

  // The File objects stay in memory only (never persisted); they are needed to re-run on another backend.
  #files = new Map<number, File>();

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (;;) {
        const entry = this.entries.find((e) => e.status === 'queued');
        if (!entry) {
          // every first result is in: now the full-size pixels of films first decoded at the model's size
          const reduced = this.entries.find(
            (e) => e.status === 'done' && (e.reply?.dicom?.reduction ?? 1) > 1 && !this.#fullSizeTried.has(e.id),
          );
          if (!reduced) break;
          await this.#fullSize(reduced);
          continue;
        }
        const file = this.#files.get(entry.id);
        entry.status = 'analysing';
        if (file && entry.digest === undefined) {
          entry.digest = await fileDigest(await file.arrayBuffer()).catch(() => null);
          const earlier = this.#seen.see(entry.digest, entry.name);
          if (earlier !== null) {
            this.notes = [...this.notes, duplicateNote(entry.name, earlier)];
            this.entries = this.entries.filter((e) => e.id !== entry.id);
            this.#files.delete(entry.id);
            continue;
          }
        }
        const replies = await this.#analyse(file, entry.name);
        if (entry.status !== 'analysing') continue; // re-queued meanwhile (backend switch)
        if (replies === null) {
          entry.status = 'queued'; // the worker was replaced mid-call: run it again on the new one
          continue;
        }
        const [first] = replies;
        if (first && replies.length > 1 && this.manifest) {
          entry.frames = replies;
          entry.reply = { ...first, result: combineFrames(replies.map((r) => r.result), entry.name, this.manifest) };
        } else entry.reply = first ?? null;
        entry.status = 'done';
        this.#finishedInBatch += 1;
      }
    } finally {
      this.#draining = false;
      this.#finishedInBatch = 0;
    }
  }

  /** Entries whose full-size DICOM decode was asked for (once each). */
  #fullSizeTried = new Set<number>();

  /** Replaces the model-size values of a DICOM file's views (JPEG 2000 decoded smaller) with the full-size ones. */
  async #fullSize(entry: Entry): Promise<void> {
    this.#fullSizeTried.add(entry.id);
    const file = this.#files.get(entry.id);
    const reply = entry.reply;
    if (!file || !reply) return;
    let full: FullSizeDicom;
    try {
      const api = await (this.#ready ?? this.start());
      full = await api.fullSizeDicom(file);
    } catch (error) {
      // the viewer keeps the values decoded for the model: smaller, but the same film
      if (!(error instanceof WorkerStopped)) console.warn(`full-size decode failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (entry.reply !== reply) return; // analysed again meanwhile
    const { meta, width, height, min, max } = full;
    const withFullSize = (view: AnalyzeReply, index: number): AnalyzeReply => {
      const values = full.values[index];
      return view.dicom && values ? { ...view, dicom: { ...view.dicom, meta, values, width, height, min, max, reduction: 1 } } : view;
    };
    // a multi-frame file's frames are views of one card; its first frame is the card's picture
    if (entry.frames) entry.frames = entry.frames.map(withFullSize);
    entry.reply = { ...withFullSize(reply, 0), result: reply.result };
  }

  /** The replies for one file (one per view), or null when the worker was stopped before it answered. */
  async #analyse(file: File | undefined, name: string): Promise<AnalyzeReply[] | null> {
    const failed = (reason: string): AnalyzeReply[] => [{
      result: errorResult(name, reason),
      preview: null,
      downscaled: false,
      milliseconds: 0,
    }];
    if (!file) return failed('the file is no longer available');
    try {
      const api = await (this.#ready ?? this.start());
      const replies = await api.analyze(file, name);
      // the thresholds may have changed while the worker was busy: decide with the ones in effect now
      const manifest = this.manifest;
      if (manifest) for (const reply of replies) reply.result = redecide(reply.result, manifest);
      return replies;
    } catch (error) {
      if (error instanceof WorkerStopped) return null;
      return failed(`the models could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #onEvent(event: WorkerEvent): void {
    if (event.type === 'backend') {
      this.backend = event.backend;
      this.backendNote = event.note ?? null;
      this.wasmFlavour = event.wasm ?? null;
    }
    else if (event.type === 'modelProgress') {
      this.model = { phase: 'downloading', loadedBytes: event.loadedBytes, totalBytes: event.totalBytes };
    }
  }
}

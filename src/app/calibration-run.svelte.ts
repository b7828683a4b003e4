// The Calibrate page's state: a labelled folder analysed on this device through the page's one analysis worker
// (the Session's), one image at a time with progress and cancel; then the figures per body part
// (src/pipeline/calibration.ts) and the thresholds the user is choosing. Only each image's label, body part
// and probability are kept; previews and heatmaps are let go at once.
import { calibrate, DEFAULT_RULE, thresholdsByRule, type Calibration, type LabelledResult } from '../pipeline/calibration';
import { labelCases } from '../pipeline/labelled-cases';
import { bodyPartClasses, type Thresholds } from '../pipeline/manifest';
import type { ThresholdRule } from '../pipeline/threshold-rules';
import { sortLabelledFiles, type PathedFile } from './labelled-files';
import type { Session } from './session.svelte';

export interface SkippedFile {
  path: string;
  reason: string;
}

type Phase = 'idle' | 'analysing' | 'done';

export class CalibrationRun {
  phase = $state<Phase>('idle');
  progress = $state({ done: 0, total: 0 });
  /** true when the user stopped the run: the figures cover the images analysed until then */
  stopped = $state(false);
  /** labelled images the model could not assess, each with its reason */
  notAssessed = $state<SkippedFile[]>([]);
  /** images without a label in the layout */
  unlabelled = $state<string[]>([]);
  /** problems with the labels CSV, other files ignored */
  notes = $state<string[]>([]);
  cases = $state.raw<LabelledResult[]>([]);
  calibration = $state.raw<Calibration | null>(null);
  /** the thresholds being chosen, per assessed part */
  chosen = $state<Record<string, Thresholds>>({});
  rule = $state<ThresholdRule>({ ...DEFAULT_RULE });
  #session: Session;
  #cancel = false;

  constructor(session: Session) {
    this.#session = session;
  }

  async start(files: readonly PathedFile[]): Promise<void> {
    const manifest = this.#session.shippedManifest;
    if (!manifest || this.phase === 'analysing') return;
    this.phase = 'analysing';
    this.#cancel = false;
    this.stopped = false;
    this.notAssessed = [];
    this.calibration = null;
    this.cases = [];
    const { images, csvs, ignored } = sortLabelledFiles(files);
    const notes: string[] = ignored.length ? [`${ignored.length} file(s) that are not images were left aside.`] : [];
    // the labels CSV nearest the top of the folder, when there are several
    const csvFile = [...csvs].sort((a, b) => a.path.split('/').length - b.path.split('/').length)[0];
    if (csvs.length > 1) notes.push(`Several CSV files: the labels were read from ${csvFile!.path}.`);
    const csv = csvFile ? { path: csvFile.path, text: await csvFile.file.text() } : undefined;
    const layout = labelCases(images.map((i) => i.path), bodyPartClasses(manifest), csv);
    this.notes = [...notes, ...layout.problems];
    this.unlabelled = layout.unlabelled;
    const labelled = images.filter((i) => layout.labels.has(i.path));
    this.progress = { done: 0, total: labelled.length };
    const cases: LabelledResult[] = [];
    for (const { path, file } of labelled) {
      if (this.#cancel) {
        this.stopped = true;
        break;
      }
      const reply = await this.#analyse(file, path);
      reply.preview?.close();
      const { bodyPart, abnormalProbability, decision, error } = reply.result;
      if (decision === 'error' || decision === 'unsupported') this.notAssessed.push({ path, reason: error ?? decision });
      cases.push({ label: layout.labels.get(path)!, result: { bodyPart, abnormalProbability, decision } });
      this.progress.done++;
    }
    // let the page show the finished progress before the figures (the interval takes a moment on many cases)
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.cases = cases;
    const saved = this.#session.site;
    this.calibration = calibrate(cases, manifest, saved);
    this.applyRule();
    // thresholds saved earlier are where a check on new cases starts ("Apply this rule" replaces them)
    for (const part of this.calibration.parts) if (part.site) this.chosen[part.part] = { ...part.site };
    if (this.calibration.parts.some((p) => p.site)) this.notes = [...this.notes, 'Your saved site thresholds are shown as the chosen ones; "Apply this rule" replaces them.'];
    this.phase = 'done';
  }

  cancel(): void {
    this.#cancel = true;
  }

  /** The thresholds per part by the current rule. */
  applyRule(): void {
    if (!this.calibration) return;
    this.chosen = thresholdsByRule(this.cases, this.calibration.parts.map((p) => p.part), this.rule);
  }

  /** Sets one threshold of a part, keeping low <= high (moving the other one if needed). */
  setThreshold(part: string, which: 'low' | 'high', value: number): void {
    const current = this.chosen[part];
    if (!current || !Number.isFinite(value)) return;
    const v = Math.min(1, Math.max(0, value));
    this.chosen[part] = which === 'low' ? { low: v, high: Math.max(v, current.high) } : { low: Math.min(v, current.low), high: v };
  }

  async #analyse(file: File, path: string) {
    for (;;) {
      const reply = await this.#session.analyseApart(new File([file], path, { type: file.type }));
      if (reply) return reply; // null: the worker was replaced (backend switch): run it on the new one
    }
  }
}

const runs = new WeakMap<Session, CalibrationRun>();

/** The page's one calibration run: leaving the Calibrate page and coming back keeps it (and a run going on). */
export function calibrationRunFor(session: Session): CalibrationRun {
  let run = runs.get(session);
  if (!run) runs.set(session, (run = new CalibrationRun(session)));
  return run;
}

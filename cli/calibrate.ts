// `npm run predict -- --calibrate <folder>`: how the model does on the user's own labelled cases, per body part
// (src/pipeline/calibration.ts, as the app's Calibrate page), printed as JSON, with a table on a terminal; and
// optionally site thresholds chosen by a rule, written for --thresholds and the app.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { LoadedModels } from '../src/pipeline/analyze';
import { calibrate, siteThresholdsFor, thresholdsByRule, type Calibration, type LabelledResult } from '../src/pipeline/calibration';
import { labelCases } from '../src/pipeline/labelled-cases';
import { bodyPartClasses } from '../src/pipeline/manifest';
import type { OperatingPoint } from '../src/pipeline/roc';
import { siteThresholdsText, type SiteThresholds } from '../src/pipeline/site-thresholds';
import type { ImageResult } from '../src/pipeline/types';
import type { CliOptions } from './args';
import type { Progress } from './progress';

/** The labels CSV: the one named, else the one .csv file directly inside a single folder named (if any). */
async function labelsCsv(options: CliOptions): Promise<{ path: string; text: string } | undefined> {
  if (options.labels) return { path: options.labels, text: await readFile(options.labels, 'utf8') };
  if (options.paths.length !== 1 || !(await stat(options.paths[0])).isDirectory()) return undefined;
  const folder = options.paths[0];
  const csvs = (await readdir(folder)).filter((name) => extname(name).toLowerCase() === '.csv');
  if (csvs.length > 1) throw new Error(`${folder} holds several CSV files (${csvs.join(', ')}): name the labels with --labels <csv>`);
  return csvs.length ? { path: join(folder, csvs[0]), text: await readFile(join(folder, csvs[0]), 'utf8') } : undefined;
}

const percent = (value: number | null) => (value === null ? '–' : `${Math.round(value * 100)}%`);
const share = (value: number | null) => (value === null ? '–' : value.toFixed(2));

function pointCells(point: OperatingPoint | null): string[] {
  return point ? [percent(point.sensitivity), percent(point.specificity), percent(point.decided)] : ['', '', ''];
}

/** The figures as a table for a person at a terminal: one line per body part and level. */
export function calibrationTable(calibration: Calibration): string {
  const header = ['part', 'level', 'normal', 'abnormal', 'AUC', '95% interval', 'sens', 'spec', 'decided', 'site sens', 'site spec', 'site decided'];
  const rows: string[][] = [];
  for (const part of calibration.parts) {
    for (const [level, figures] of [['images', part.images], ['studies', part.studies]] as const) {
      if (!figures) continue;
      const interval = figures.aucInterval ? `${share(figures.aucInterval[0])}–${share(figures.aucInterval[1])}` : '–';
      rows.push([part.part, level, String(figures.counts.normal), String(figures.counts.abnormal), share(figures.auc), interval, ...pointCells(figures.atShipped), ...pointCells(figures.atSite)]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const notes = calibration.parts.flatMap((p) => p.warnings);
  const { unsupported, failed } = calibration.notAssessed;
  if (unsupported || failed) notes.push(`Not assessed: ${unsupported} not a supported radiograph, ${failed} unreadable.`);
  return [line(header), ...rows.map(line), '', 'sens/spec/decided: at the shipped thresholds; site: at --thresholds.', ...notes].join('\n') + '\n';
}

export interface CalibrationRun {
  options: CliOptions;
  /** as shipped: the calibration reports the shipped thresholds and, apart, the site's */
  models: LoadedModels;
  site: SiteThresholds | null;
  files: string[];
  analyzeFile: (path: string, models: LoadedModels) => Promise<ImageResult[]>;
  progress?: Progress;
  note: (text: string) => void;
}

/** Analyses the labelled files and prints the figures; returns the exit status. */
export async function runCalibration(run: CalibrationRun): Promise<number> {
  const { options, models, site, files, progress, note } = run;
  const layout = labelCases(files, bodyPartClasses(models.manifest), await labelsCsv(options));
  for (const problem of layout.problems) note(problem);
  if (layout.unlabelled.length) {
    note(`${layout.unlabelled.length} image(s) without a label (not in a normal/ or abnormal/ folder, nor in the CSV), left out:`);
    for (const path of layout.unlabelled) note(`  ${path}`);
  }
  const cases: LabelledResult[] = [];
  const notAssessed: string[] = [];
  for (const path of files) {
    const label = layout.labels.get(path);
    if (!label) {
      progress?.fileDone(0);
      continue;
    }
    const results = await run.analyzeFile(path, models);
    for (const result of results) {
      if (result.decision === 'error' || result.decision === 'unsupported') notAssessed.push(`not assessed: ${result.file}: ${result.error}`);
      cases.push({ label, result });
    }
    progress?.fileDone(results.length);
  }
  progress?.finish();
  for (const line of notAssessed) note(line);
  if (cases.length === 0) {
    note('no labelled images found: put them in normal/ and abnormal/ folders, use MURA\'s layout, or add a labels CSV');
    return 2;
  }
  const calibration = calibrate(cases, models.manifest, site);
  if (options.writeThresholds) {
    const chosen = thresholdsByRule(cases, calibration.parts.map((p) => p.part), options.rule);
    const written = siteThresholdsFor(calibration, chosen);
    await writeFile(options.writeThresholds, siteThresholdsText(written));
    note(`site thresholds written to ${options.writeThresholds} (${Object.entries(written.parts).map(([part, t]) => `${part}: low ${t.low}, high ${t.high}`).join('; ')})`);
  }
  if (process.stderr.isTTY) process.stderr.write(calibrationTable(calibration));
  process.stdout.write(`${JSON.stringify(calibration)}\n`);
  return 0;
}

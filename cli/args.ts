// Command-line parsing for `npm run predict`; usage errors become UsageError (exit status 2).
import { parseArgs } from 'node:util';
import { LIMITS_TEXT } from '../src/pipeline/limits';

export type CliBackend = 'wasm' | 'cpu';

export interface CliOptions {
  paths: string[];
  csv: boolean;
  heatmap: boolean;
  backend: CliBackend;
  modelsDir: string | null;
  /** write rows to this file instead of stdout */
  out: string | null;
  /** skip the files that `out` already has rows for, and append the rest */
  resume: boolean;
  /** show progress on stderr even when it is not a terminal */
  progress: boolean;
  /** files holding more paths, one per line ("-": stdin) */
  filesFrom: string[];
  /** the paths are labelled cases: print how the model does on them per body part */
  calibrate: boolean;
  /** with calibrate: a labels CSV (file,label[,body_part]) instead of the one found in the folder */
  labels: string | null;
  /** with calibrate: write site thresholds chosen by the rule to this file */
  writeThresholds: string | null;
  /** the rule: least share of abnormal / normal calls that must be right, in [0, 1] */
  rule: { abnormalCallsRight: number; normalCallsRight: number };
  /** a site-thresholds file whose thresholds replace the shipped ones */
  thresholds: string | null;
  help: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: npm run predict -- <files or folders...> [options]

Runs BoneLens on every image (png, jpg, jpeg, webp, bmp, gif, dcm, and extension-less DICOM files found in
folders, recursively) and prints one JSON object per image per line.

Options:
  --csv             print CSV (one row per image, p_<class> columns) instead of JSON lines
  --heatmap         include the class-activation heatmap in JSON output
  --backend <name>  wasm (default; falls back to cpu) or cpu
  --models <dir>    folder holding manifest.json (default: public/models of this repository)
  --out <file>      write the rows to <file> instead of stdout (replacing it, unless --resume)
  --resume          with --out: skip the files <file> already has rows for and append the rest (a cut-off
                    last line from an interrupted run is redone)
  --files-from <f>  also read paths from <f>, one per line ("-" for stdin); repeatable
  --progress        progress on stderr ("123/4567 files, 12.3 img/s, ETA 5m") even when stderr is not a
                    terminal (it is shown on a terminal anyway)
  --thresholds <f>  decide with a site-thresholds file (made by --write-thresholds or the app's Calibrate page)
                    instead of the shipped thresholds; rows then say "thresholds": "site"
  -h, --help        show this help

Calibrating on your own labelled cases:
  npm run predict -- --calibrate <folder> [--labels <csv>] [--write-thresholds <file>]
  The folder holds images in normal/ and abnormal/ folders (optionally per part: elbow/normal/...), or MURA's
  layout (XR_ELBOW/patientN/studyN_positive/...), or a CSV beside them (file,label[,body_part]). Prints, per
  body part, the ROC curve, its area (AUC) with a 95% interval, and what the thresholds do, as JSON (and a
  table on a terminal).
  --labels <csv>          the labels CSV, when it is not the one .csv file in the folder
  --write-thresholds <f>  write site thresholds chosen per part by the rule below, for --thresholds or the app
  --abnormal-right <pct>  the rule: at least this % of abnormal calls right (default 90)
  --normal-right <pct>    the rule: at least this % of normal calls right (default 90)

Limits: ${LIMITS_TEXT}; a file past them is an error row.
`;

const BACKENDS: readonly CliBackend[] = ['wasm', 'cpu'];

export function parseCliArgs(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        csv: { type: 'boolean', default: false },
        heatmap: { type: 'boolean', default: false },
        backend: { type: 'string', default: 'wasm' },
        models: { type: 'string' },
        out: { type: 'string' },
        resume: { type: 'boolean', default: false },
        progress: { type: 'boolean', default: false },
        'files-from': { type: 'string', multiple: true },
        calibrate: { type: 'boolean', default: false },
        labels: { type: 'string' },
        'write-thresholds': { type: 'string' },
        'abnormal-right': { type: 'string', default: '90' },
        'normal-right': { type: 'string', default: '90' },
        thresholds: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const backend = values.backend as CliBackend;
  if (!BACKENDS.includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')} (got "${values.backend}")`);
  const filesFrom = values['files-from'] ?? [];
  if (!values.help && positionals.length === 0 && filesFrom.length === 0) throw new UsageError('no files or folders given');
  if (values.resume && !values.out) throw new UsageError('--resume needs --out <file>: the output to resume');
  if (values.csv && values.heatmap) throw new UsageError('--heatmap is only available with JSON output (drop --csv)');
  if (values.calibrate) {
    for (const flag of ['csv', 'heatmap', 'out', 'resume'] as const) {
      if (values[flag]) throw new UsageError(`--${flag} does not go with --calibrate (it prints the figures as JSON)`);
    }
  } else {
    for (const flag of ['labels', 'write-thresholds'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} needs --calibrate`);
    }
  }
  return {
    paths: positionals,
    csv: values.csv,
    heatmap: values.heatmap,
    backend,
    modelsDir: values.models ?? null,
    out: values.out ?? null,
    resume: values.resume,
    progress: values.progress,
    filesFrom,
    calibrate: values.calibrate,
    labels: values.labels ?? null,
    writeThresholds: values['write-thresholds'] ?? null,
    rule: {
      abnormalCallsRight: percentOption(values['abnormal-right'], '--abnormal-right'),
      normalCallsRight: percentOption(values['normal-right'], '--normal-right'),
    },
    thresholds: values.thresholds ?? null,
    help: values.help,
  };
}

function percentOption(value: string, flag: string): number {
  const percent = Number(value);
  if (value.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new UsageError(`${flag} must be a percentage from 0 to 100 (got "${value}")`);
  }
  return percent / 100;
}

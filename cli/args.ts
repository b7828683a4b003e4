// Command-line parsing for `npm run predict`; usage errors become UsageError (exit status 2).
import { parseArgs } from 'node:util';

export type CliBackend = 'wasm' | 'cpu';

export interface CliOptions {
  paths: string[];
  csv: boolean;
  heatmap: boolean;
  backend: CliBackend;
  modelsDir: string | null;
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
  -h, --help        show this help
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
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const backend = values.backend as CliBackend;
  if (!BACKENDS.includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')} (got "${values.backend}")`);
  if (!values.help && positionals.length === 0) throw new UsageError('no files or folders given');
  if (values.csv && values.heatmap) throw new UsageError('--heatmap is only available with JSON output (drop --csv)');
  return {
    paths: positionals,
    csv: values.csv,
    heatmap: values.heatmap,
    backend,
    modelsDir: values.models ?? null,
    help: values.help,
  };
}

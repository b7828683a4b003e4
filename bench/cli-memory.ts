// The CLI's resident memory over a long batch: `npx tsx bench/cli-memory.ts [--files 2000] [--backend wasm]`
// runs `cli/predict.ts` on a folder of that many files (links to a few real radiographs and DICOM files of every
// kind, over and over), samples the resident set after every row, and compares the peak over the first 100 rows
// with the peak over the last 100. Flat: the batch holds nothing per file. Also a part of `npm run bench`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface CliMemory {
  backend: string;
  files: number;
  rows: number;
  /** rows per window: 100, or a third of the rows for a short smoke run */
  window: number;
  firstPeakMb: number;
  lastPeakMb: number;
  /** last-window peak less first-window peak */
  growthMb: number;
  seconds: number;
}

const MB = 2 ** 20;

/** Runs the CLI on `count` links cycling over `sources`; resident memory after each row, first vs last window. */
export async function cliMemory(repoRoot: string, sources: string[], count: number, backend = 'wasm'): Promise<CliMemory> {
  const work = await mkdtemp(join(tmpdir(), 'bonelens-bench-memory-'));
  try {
    const folder = join(work, 'files');
    await mkdir(folder);
    for (let i = 0; i < count; i++) {
      const source = resolve(sources[i % sources.length]!);
      await symlink(source, join(folder, `${String(i).padStart(6, '0')}-${basename(source)}`));
    }
    const log = join(work, 'rss.json');
    const started = process.hrtime.bigint();
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--import', join(repoRoot, 'bench', 'support', 'rss-per-row.ts'), join(repoRoot, 'cli', 'predict.ts'), '--backend', backend, folder],
      { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, BONELENS_RSS_LOG: log } },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) throw new Error(`cli/predict.ts exited ${result.status}: ${result.stderr}`);
    const samples = JSON.parse(await readFile(log, 'utf8')) as number[];
    const window = Math.max(1, Math.min(100, Math.floor(samples.length / 3)));
    const peak = (values: number[]) => values.reduce((a, b) => Math.max(a, b), 0) / MB;
    const firstPeakMb = peak(samples.slice(0, window));
    const lastPeakMb = peak(samples.slice(-window));
    return { backend, files: count, rows: samples.length, window, firstPeakMb, lastPeakMb, growthMb: lastPeakMb - firstPeakMb, seconds };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A few files of every kind the CLI reads: the radiograph fixtures and DICOM in several transfer syntaxes. */
export function memorySources(repoRoot: string): string[] {
  const images = join(repoRoot, 'test', 'fixtures', 'images');
  const dicom = ['hand12_j2k_lossless', 'hand8_deflated', 'hand12_jpegls_lossless', 'hand8_multiframe_rle', 'hand12_jpeg_extended'];
  return [
    ...readdirSync(images).filter((name) => /\.(jpe?g|png)$/i.test(name)).sort().map((name) => join(images, name)),
    ...dicom.map((name) => join(repoRoot, 'test', 'fixtures', 'dicom', `${name}.dcm`)),
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { files: { type: 'string', default: '2000' }, backend: { type: 'string', default: 'wasm' } } });
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
  const run = await cliMemory(repoRoot, memorySources(repoRoot), Number(values.files), values.backend);
  const mb = (value: number) => `${value.toFixed(0)} MB`;
  process.stdout.write(
    `CLI (${run.backend}) on ${run.files} files, ${run.rows} rows in ${run.seconds.toFixed(0)} s: peak resident ${mb(run.firstPeakMb)} ` +
      `over the first ${run.window} rows, ${mb(run.lastPeakMb)} over the last ${run.window} (${run.growthMb >= 0 ? '+' : ''}${mb(run.growthMb)})\n`,
  );
}

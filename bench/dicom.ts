// `npx tsx bench/dicom.ts`: only the DICOM part of `npm run bench`, repeated, in headless Chromium on the
// bench page (bench/page, production build): medians per transfer syntax over `--rounds` fresh browsers of
// `--repeats` decodes each, the 1-minute load average beside each round, and the browser's CPU time per decode
// (less sensitive than wall time to a machine shared with other jobs). With `--dist other/build` (a bench
// page built from another commit) the builds are interleaved round by round, so that a before/after comparison
// sees the same load. `--only jpeg` keeps the syntaxes whose name contains the text.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freshBrowser } from './browser';
import { dicomInputs } from './dicom-inputs';
import { radiographs } from './images';
import type { DicomTiming } from './protocol';
import { serveStatic } from './server';
import { median } from './stats';
import { modelDecodeMinSide } from '../src/pipeline/preprocess';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const PAGE_DIST = join(REPO, 'bench', 'cache', 'dist');
const DICOM_DIR = join(REPO, 'bench', 'cache', 'dicom');

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '5' },
    dist: { type: 'string', multiple: true, default: [] },
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const log = (line: string) => process.stderr.write(`${line}\n`);

if (!flags['no-build']) {
  log('bench page: npx vite build --config bench/vite.config.ts');
  const built = spawnSync('npx', ['vite', 'build', '--config', 'bench/vite.config.ts'], { cwd: REPO, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`bench page build failed:\n${built.stdout}${built.stderr}`);
}
const dists = [PAGE_DIST, ...flags.dist.map((d) => resolve(d))];
for (const dist of dists) if (!existsSync(join(dist, 'index.html'))) throw new Error(`no bench page in ${dist}`);

const images = radiographs(REPO);
const made = await dicomInputs(DICOM_DIR, images.find((i) => /hand/.test(i.path))?.path ?? images[0]!.path);
if ('skipped' in made) throw new Error(`DICOM inputs: ${made.skipped}`);
const manifest = JSON.parse(readFileSync(join(REPO, 'public', 'models', 'manifest.json'), 'utf8')) as { input: { size: number } };
/** JPEG 2000 is measured a second time as a caller that feeds only the model decodes it */
const minSide = modelDecodeMinSide(manifest.input.size);
const inputs = made.inputs
  .flatMap((i) => (i.syntax.startsWith('JPEG 2000') ? [i, { ...i, syntax: `${i.syntax}, minSide ${minSide}`, minSide }] : [{ ...i, minSide: undefined }]))
  .filter((i) => !flags.only || i.syntax.toLowerCase().includes(flags.only.toLowerCase()));

/** CPU time (user + system, ms) of `root` and every process below it, from /proc (Linux); NaN elsewhere. */
function treeCpuMs(root: number | undefined): number {
  if (root === undefined || !existsSync('/proc/self/stat')) return Number.NaN;
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
      parent.set(Number(name), Number(fields[1]));
      ticks.set(Number(name), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  for (const [pid, own] of ticks) {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parent.get(at)) {
      if (at === root) {
        total += own;
        break;
      }
    }
  }
  return (total * 1000) / CLOCK_TICKS_PER_SECOND;
}
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux

/** The Chromium that Playwright started for us: a child of this process. */
function browserPid(): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const command = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (ppid === process.pid && /chrom/.test(command) && !command.includes('--type=')) return Number(name);
    } catch {
      // gone
    }
  }
  return undefined;
}

const rounds = Number(flags.rounds);
const repeats = Number(flags.repeats);
/** dist -> syntax -> samples */
const samples = new Map(dists.map((d) => [d, new Map(inputs.map((i) => [i.syntax, [] as number[]]))]));
/** CPU ms of the whole browser per decode (the page's fetch of the file shared out over the decodes) */
const cpu = new Map(dists.map((d) => [d, new Map(inputs.map((i) => [i.syntax, [] as number[]]))]));
const loads: number[] = [];

for (let round = 0; round < rounds; round++) {
  // alternate which build goes first
  const order = round % 2 === 0 ? dists : [...dists].reverse();
  for (const dist of order) {
    loads.push(loadavg()[0]!);
    const server = await serveStatic({ '/': dist, '/dicom/': DICOM_DIR });
    const session = await freshBrowser();
    const browser = browserPid();
    try {
      const page = await session.context.newPage();
      await page.goto(`${server.origin}/`);
      await page.waitForFunction(() => window.bench !== undefined);
      const line: string[] = [];
      for (const input of inputs) {
        const url = `/dicom/${basename(input.file)}`;
        const minSide = 'minSide' in input ? input.minSide : undefined;
        const decode = (r: number) =>
          page.evaluate(([u, n, m]) => window.bench.dicom(u as string, n as number, m as number | undefined), [url, r, minSide] as const) as Promise<DicomTiming>;
        await decode(0); // loads the codec
        const cpuBefore = treeCpuMs(browser);
        const timing = await decode(repeats);
        cpu.get(dist)!.get(input.syntax)!.push((treeCpuMs(browser) - cpuBefore) / (repeats + 1));
        samples.get(dist)!.get(input.syntax)!.push(timing.firstMs, ...timing.ms);
        const label = `${basename(input.file, '.dcm')}${'minSide' in input && input.minSide ? '@model' : ''}`;
        line.push(`${label} ${median([timing.firstMs, ...timing.ms]).toFixed(0)}/${cpu.get(dist)!.get(input.syntax)!.at(-1)!.toFixed(0)}`);
      }
      log(`round ${round + 1} ${relative(REPO, dist)} (load ${loadavg()[0]!.toFixed(1)}), wall/cpu ms: ${line.join(', ')}`);
    } catch (error) {
      // a browser lost on a crowded machine costs this round of this build, not the run
      log(`round ${round + 1} ${relative(REPO, dist)}: ${String(error).split('\n')[0]}`);
    } finally {
      await session.close();
      await server.close();
    }
  }
}

const header = ['syntax', 'target', ...dists.flatMap((d) => [`${relative(REPO, d) || '.'} wall`, 'cpu'])];
const rows = inputs.map((input) => [
  input.syntax,
  `${input.targetMs}`,
  ...dists.flatMap((d) => [
    `${median(samples.get(d)!.get(input.syntax)!).toFixed(0)} ms`,
    `${median(cpu.get(d)!.get(input.syntax)!).toFixed(0)} ms`, // NaN: no round of this build finished
  ]),
]);
const widths = header.map((_, c) => Math.max(...[header, ...rows].map((r) => r[c]!.length)));
for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);
process.stdout.write(
  `wall: medians of ${rounds} rounds x ${repeats + 1} decodes after one that loads the codec; cpu: the browser's ` +
    `CPU time per decode (all its processes, from /proc), median over rounds; ` +
    `1-minute load average ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)}\n`,
);

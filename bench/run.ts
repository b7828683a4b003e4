// `npm run bench [-- --quick]`: the speed benchmark (not a test). Measures on this machine, as medians and
// 95th percentiles, and prints them next to the targets; writes every sample to bench/results.json.
//   1. headless Chromium, production build of bench/page, per TF.js backend: model download size, load time,
//      cold first result, warm end-to-end latency per stage, peak tensor memory; the same on the real app
//      (dist/) from page load to the first result card.
//   2. the seed-equivalent pipeline (two ResNet50 runs at 224x224x3) on the same backends.
//   3. the CLI's images per second; 4. DICOM decoding of a 2048x2500 16-bit image per transfer syntax.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { appColdFirstResult, type AppCold } from './app-cold';
import { cliMemory, memorySources, type CliMemory } from './cli-memory';
import { cliThroughput, type CliThroughput } from './cli-throughput';
import { dicomInputs, DICOM_COLUMNS, DICOM_ROWS, type DicomInput } from './dicom-inputs';
import { radiographs, IMAGE_FOLDERS } from './images';
import { initialJs } from './initial-js';
import { benchBackend, coldOnly, type BackendBench, type PageBenchOptions, type PageVariant } from './page-bench';
import { wasmThreadsFor } from '../src/models/wasm-flavour';
import { modelDecodeMinSide } from '../src/pipeline/preprocess';
import { atLeast, atMost, bytes, formatTable, ms, seconds, type Row } from './report';
import { median, summarize } from './stats';
import type { ColdResult, StageTimes } from './protocol';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(REPO, 'bench', 'cache');
const PAGE_DIST = join(CACHE, 'dist');
const APP_DIST = join(REPO, 'dist');
const SEED_DIR = join(CACHE, 'seed');
const SEED_MODEL = join(SEED_DIR, 'resnet50', 'model.json');
const DICOM_DIR = join(CACHE, 'dicom');
const RESULTS = join(REPO, 'bench', 'results.json');

/** The targets (the WASM backend is the reference). */
const TARGET = {
  seedSpeedup: 10,
  warmEndToEndMs: 50,
  coldFirstResultMs: 3000,
  perModelMs: 25,
  initialJsGzipBytes: 500_000,
};

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
});
if (flags.help) {
  process.stdout.write('usage: npm run bench [-- --quick]\n  --quick  WASM only, fewer images and runs (1 to 2 minutes)\n');
  process.exit(0);
}
const QUICK = flags.quick;
/**
 * WASM three ways: cross-origin isolated as `vite preview` serves the app (the reference: SIMD + threads, one
 * thread per physical core, or the SIMD build below 2 threads, as in the app), without the headers (SIMD, one
 * thread), and, where this machine would run a single thread, isolated with 4 cores emulated so that the
 * threaded build runs 2 threads (so threads are measured at all).
 */
const REFERENCE: PageVariant = { backend: 'wasm', isolated: true };
const WASM_VARIANTS: PageVariant[] = [
  REFERENCE,
  { backend: 'wasm', isolated: false },
  ...(wasmThreadsFor(cpus().length) < 2 ? [{ backend: 'wasm', isolated: true, hardwareConcurrency: 4 }] : []),
];
const PLAN = QUICK
  ? {
      pages: WASM_VARIANTS,
      images: 10,
      referencePasses: 1,
      coldRepeats: 1,
      seedRuns: 3,
      dicomRepeats: 2,
      app: [{ choice: 'wasm', isolated: true }, { choice: 'wasm', isolated: false }],
      cli: [{ backend: 'wasm', images: 20 }],
      cliMemoryFiles: 0,
    }
  : {
      pages: [...WASM_VARIANTS, { backend: 'webgl', isolated: true }, { backend: 'cpu', isolated: true }],
      images: Infinity,
      referencePasses: 2,
      coldRepeats: 3,
      seedRuns: 10,
      dicomRepeats: 5,
      app: [{ choice: 'auto', isolated: true }, { choice: 'wasm', isolated: true }, { choice: 'wasm', isolated: false }],
      // the CPU backend takes about a second per image in Node: fewer images keep the run short
      cli: [{ backend: 'wasm', images: 60 }, { backend: 'cpu', images: 20 }],
      // resident memory over a long batch: first 100 rows vs last 100
      cliMemoryFiles: 2000,
    };
/** The cold runs are repeated (each in a fresh browser) on the reference: WASM, cross-origin isolated. */
const REFERENCE_BACKEND = REFERENCE.backend;
const isReference = (v: PageVariant) => v === REFERENCE;
/** The seed on the slow backends (information only, 10 to 25 s a run here): stop after 2 runs or this long. */
const SLOW_SEED = { minRuns: 2, maxSeconds: 20 };

const log = (line: string) => process.stderr.write(`${line}\n`);

function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const info = statSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, info.mtimeMs);
  };
  for (const path of paths) visit(join(REPO, path));
  return newest;
}

/** Runs `argv` in the repository unless `output` is newer than every input. */
function buildIfStale(what: string, output: string, inputs: string[], argv: string[]): void {
  if (existsSync(output) && statSync(output).mtimeMs >= newestMtime(inputs)) {
    log(`${what}: up to date (${relative(REPO, output)})`);
    return;
  }
  log(`${what}: ${argv.join(' ')}`);
  const result = spawnSync(argv[0]!, argv.slice(1), { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // the build's own warnings are noise here: shown only when it fails
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
}

function modelFiles(): { path: string; bytes: number }[] {
  const root = join(REPO, 'public', 'models');
  const out: { path: string; bytes: number }[] = [];
  const visit = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) visit(path);
      else out.push({ path: relative(root, path), bytes: statSync(path).size });
    }
  };
  visit(root);
  return out;
}

function makeSeedModel(): string | null {
  if (existsSync(SEED_MODEL)) return null;
  log('seed-equivalent ResNet50: python3 bench/make_seed_equivalent.py bench/cache/seed');
  const result = spawnSync('/usr/bin/python3', ['bench/make_seed_equivalent.py', SEED_DIR], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  return result.status === 0 ? null : `could not make the seed-equivalent model: ${result.stderr.trim().split('\n').pop()}`;
}

/** What a caller that feeds only the model asks of the DICOM decoder (the app's analysis path and the CLI). */
function dicomModelMinSide(): number {
  const manifest = JSON.parse(readFileSync(join(REPO, 'public', 'models', 'manifest.json'), 'utf8')) as { input: { size: number } };
  return modelDecodeMinSide(manifest.input.size);
}

const stage = (samples: StageTimes[], key: keyof StageTimes) => summarize(samples.map((s) => s[key]));

/** How a bench page variant was served, in words. */
function servedAs(v: PageVariant): string {
  const how = v.isolated ? 'cross-origin isolated' : 'not cross-origin isolated';
  return v.hardwareConcurrency === undefined ? how : `${how}, hardwareConcurrency emulated as ${v.hardwareConcurrency} on ${cpus().length} cores`;
}
const variantName = (v: PageVariant) => `${v.backend} (${servedAs(v)})`;

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'public', 'models', 'manifest.json'))) {
    log('bench: no models in public/models (export them first)');
    process.exitCode = 1;
    return;
  }
  const started = Date.now();
  const loadAtStart = loadavg();
  const images = radiographs(REPO).slice(0, PLAN.images);
  log(`bench: ${QUICK ? 'quick' : 'full'} run, ${images.length} radiographs, bench page on ${PLAN.pages.map(variantName).join('; ')}`);

  buildIfStale('bench page', join(PAGE_DIST, 'index.html'), ['src', 'bench/page', 'bench/vite.config.ts', 'scripts/vite-tfjs-wasm-threads.ts', 'package.json'], [
    'npx', 'vite', 'build', '--config', 'bench/vite.config.ts',
  ]);
  buildIfStale('app build', join(APP_DIST, 'index.html'), ['src', 'public', 'index.html', 'vite.config.ts', 'scripts/vite-tfjs-wasm-threads.ts', 'package.json'], ['npm', 'run', 'build']);

  const seedProblem = makeSeedModel();
  if (seedProblem) log(`seed: ${seedProblem}`);
  const dicom = await dicomInputs(DICOM_DIR, images.find((i) => /hand/.test(i.path))?.path ?? images[0]!.path);
  if ('skipped' in dicom) log(`DICOM: skipped, ${dicom.skipped}`);
  const dicomByUrl = new Map<string, DicomInput>('inputs' in dicom ? dicom.inputs.map((d) => [`/dicom/${relative(DICOM_DIR, d.file)}`, d]) : []);

  const require = createRequire(import.meta.url);
  const mounts: Record<string, string> = {
    '/': PAGE_DIST,
    '/models/': join(REPO, 'public', 'models'),
    '/tfjs-wasm/': dirname(require.resolve('@tensorflow/tfjs-backend-wasm')),
    '/seed/': SEED_DIR,
    '/dicom/': DICOM_DIR,
    ...Object.fromEntries(Object.entries(IMAGE_FOLDERS).map(([prefix, folder]) => [prefix, join(REPO, folder)])),
  };

  const pageOptions = (variant: PageVariant, first: boolean): PageBenchOptions => ({
    mounts,
    imageUrls: images.map((i) => i.url),
    // every radiograph once on the slow backends and the other WASM builds, more samples on the reference
    passes: isReference(variant) ? PLAN.referencePasses : 1,
    seed: seedProblem
      ? null
      : isReference(variant)
        ? { modelUrl: '/seed/resnet50/model.json', runs: PLAN.seedRuns, minRuns: PLAN.seedRuns, maxSeconds: Infinity }
        : { modelUrl: '/seed/resnet50/model.json', runs: PLAN.seedRuns, ...SLOW_SEED },
    // DICOM decoding does not use TF.js: once, in the first browser
    dicom:
      first && dicomByUrl.size > 0
        ? {
            urls: [...dicomByUrl.keys()],
            repeats: PLAN.dicomRepeats,
            minSide: dicomModelMinSide(),
            reducedUrls: [...dicomByUrl].filter(([, d]) => d.syntax.startsWith('JPEG 2000')).map(([url]) => url),
          }
        : null,
  });
  const backends: BackendBench[] = [];
  for (const [index, variant] of PLAN.pages.entries()) {
    log(`page bench: ${variantName(variant)}`);
    backends.push(await benchBackend(variant, pageOptions(variant, index === 0), log));
  }
  const reference = backends.find((b) => isReference(b.variant) && b.started);
  const pageColdRuns: ColdResult[] = reference?.started ? [reference.cold] : [];
  for (let i = 1; i < PLAN.coldRepeats && pageColdRuns.length > 0; i++) {
    log(`page bench: ${variantName(REFERENCE)} cold run ${i + 1} of ${PLAN.coldRepeats}`);
    const cold = await coldOnly(REFERENCE, pageOptions(REFERENCE, false));
    if (typeof cold === 'string') log(`  ${cold}`);
    else pageColdRuns.push(cold);
  }

  const appCold: AppCold[] = [];
  for (const { choice, isolated } of PLAN.app) {
    const repeats = choice === REFERENCE_BACKEND && isolated ? PLAN.coldRepeats : 1;
    for (let i = 0; i < repeats; i++) {
      log(`app cold first result: backend setting ${choice}, ${isolated ? 'cross-origin isolated' : 'no isolation headers'} (${i + 1} of ${repeats})`);
      appCold.push(await appColdFirstResult(APP_DIST, images[0]!.path, choice, isolated));
    }
  }
  const js = await initialJs(APP_DIST);

  const cli: CliThroughput[] = [];
  for (const { backend, images: count } of PLAN.cli) {
    log(`CLI throughput: ${backend}, ${count} images`);
    cli.push(await cliThroughput(REPO, images.map((i) => i.path), count, backend));
  }
  let memory: CliMemory | null = null;
  if (PLAN.cliMemoryFiles > 0) {
    log(`CLI memory: ${PLAN.cliMemoryFiles} files`);
    memory = await cliMemory(REPO, memorySources(REPO), PLAN.cliMemoryFiles);
  }

  // ---- the table
  const rows: Row[] = [];
  const files = modelFiles();
  rows.push({ section: 'Models', metric: 'download (public/models, all files)', value: bytes(files.reduce((n, f) => n + f.bytes, 0)) });
  rows.push({ section: 'Models', metric: 'initial JS of dist/index.html (gzip)', value: bytes(js.gzipBytes), ...atMost(js.gzipBytes, TARGET.initialJsGzipBytes, bytes(TARGET.initialJsGzipBytes)) });
  rows.push({ section: 'Models', metric: 'analysis worker JS (gzip, loads next)', value: bytes(js.workerGzipBytes) });

  let oursWarm = Number.NaN;
  for (const b of backends) {
    const renderer = b.started && b.cold.webglRenderer ? ` on ${b.cold.webglRenderer}` : '';
    const section = `Bench page (bench/page, production build), ${b.started ? b.cold.label : b.requested}${renderer}, ${servedAs(b.variant)}`;
    if (!b.started) {
      rows.push({ section, metric: 'backend', value: b.reason });
      continue;
    }
    const isWasm = b === reference;
    const total = stage(b.warm, 'total');
    if (isWasm) oursWarm = total.median;
    const tgt = <T>(x: T) => (isWasm ? x : {});
    rows.push({ section, metric: 'model load (fetch, sha256, build, warm-up)', value: ms(b.cold.loadMs) });
    const coldRuns = isWasm ? pageColdRuns.map((c) => c.firstResultMs) : [b.cold.firstResultMs];
    const coldMedian = median(coldRuns);
    rows.push({
      section,
      metric: `cold first result after page load${coldRuns.length > 1 ? `, median (${coldRuns.map(seconds).join(', ')})` : ''}`,
      value: seconds(coldMedian),
      ...tgt(atMost(coldMedian, TARGET.coldFirstResultMs, seconds(TARGET.coldFirstResultMs))),
    });
    const c = b.cold;
    rows.push({
      section,
      metric: '  cold run: script starts / backend ready / models loaded',
      value: `${seconds(c.scriptStartMs)} / ${seconds(c.scriptStartMs + c.backendMs)} / ${seconds(c.scriptStartMs + c.backendMs + c.loadMs)}`,
    });
    rows.push({ section, metric: `warm end-to-end, median (n=${total.n})`, value: ms(total.median), ...tgt(atMost(total.median, TARGET.warmEndToEndMs, ms(TARGET.warmEndToEndMs))) });
    rows.push({ section, metric: 'warm end-to-end, p95', value: ms(total.p95) });
    for (const [key, label] of [['decode', 'decode'], ['preprocess', 'letterbox + normalise'], ['heatmap', 'heatmap']] as const) {
      const s = stage(b.warm, key);
      rows.push({ section, metric: `  ${label}, median / p95`, value: `${ms(s.median)} / ${ms(s.p95)}` });
    }
    for (const key of ['stage1', 'stage2'] as const) {
      const s = stage(b.warm, key);
      const label = key === 'stage1' ? 'stage 1 model (body part)' : 'stage 2 model (abnormality)';
      rows.push({ section, metric: `  ${label}, median / p95`, value: `${ms(s.median)} / ${ms(s.p95)}`, ...tgt(atMost(s.median, TARGET.perModelMs, ms(TARGET.perModelMs))) });
    }
    rows.push({ section, metric: 'tensor memory: resident / peak', value: `${bytes(b.memory.residentBytes)} / ${bytes(b.memory.peakBytes)}` });
    if (b.seed) {
      const seedTotal = summarize(b.seed.totals);
      const seedModels = median(b.seed.models);
      const speedup = seedTotal.median / total.median;
      rows.push({ section, metric: `seed equivalent (2x ResNet50 224x224x3), median (n=${seedTotal.n})`, value: `${ms(seedTotal.median)} (models ${ms(seedModels)})` });
      rows.push({ section, metric: 'seed equivalent: load / resident memory', value: `${ms(b.seed.loadMs)} / ${bytes(b.seed.residentBytes)}` });
      rows.push({ section, metric: 'speed-up, seed / ours (warm end-to-end)', value: `${speedup.toFixed(1)}x`, ...tgt(atLeast(speedup, TARGET.seedSpeedup, `${TARGET.seedSpeedup}x`)) });
      rows.push({ section, metric: 'speed-up, models only', value: `${(seedModels / (stage(b.warm, 'stage1').median + stage(b.warm, 'stage2').median)).toFixed(1)}x` });
    }
  }
  const wasmRuns = backends.flatMap((b) => (b.started && b.requested === 'wasm' ? [b] : []));
  if (wasmRuns.length > 1) {
    const section = 'WASM builds compared (bench page, warm end-to-end over the same radiographs)';
    for (const b of wasmRuns) {
      const models = stage(b.warm, 'stage1').median + stage(b.warm, 'stage2').median;
      rows.push({
        section,
        metric: `${b.cold.label}, ${servedAs(b.variant)}: median end to end / both models`,
        value: `${ms(stage(b.warm, 'total').median)} / ${ms(models)}`,
      });
    }
  }
  for (const { choice, isolated } of PLAN.app) {
    const section = 'Real app (dist/), fresh profile, file dropped at once';
    const runs = appCold.filter((a) => a.backendChoice === choice && a.isolated === isolated);
    const first = median(runs.map((a) => a.firstResultMs));
    const several = runs.length > 1 ? `, median (${runs.map((a) => seconds(a.firstResultMs)).join(', ')})` : '';
    const active = [...new Set(runs.map((a) => a.activeBackend || '?'))].join(' / ');
    const served = isolated ? 'COOP/COEP' : 'no isolation headers';
    rows.push({
      section,
      metric: `cold first result, backend setting ${choice}, ${served} (${active})${several}`,
      value: seconds(first),
      ...(choice === REFERENCE_BACKEND && isolated ? atMost(first, TARGET.coldFirstResultMs, seconds(TARGET.coldFirstResultMs)) : {}),
    });
    rows.push({ section, metric: `  models ready after page load, median`, value: seconds(median(runs.map((a) => a.modelsReadyMs))) });
  }
  for (const c of cli) {
    rows.push({ section: 'CLI (npx tsx cli/predict.ts)', metric: `${c.backend} (${c.label}): images per second (${c.images} images)`, value: `${c.imagesPerSecond.toFixed(1)}/s (${ms(c.msPerImage)} each)` });
    rows.push({ section: 'CLI (npx tsx cli/predict.ts)', metric: `${c.backend}: startup + 1 image`, value: seconds(c.startupSeconds * 1000) });
  }
  if (memory) {
    rows.push({
      section: 'CLI (npx tsx cli/predict.ts)',
      metric: `${memory.backend}: peak resident, first ${memory.window} vs last ${memory.window} of ${memory.rows} rows (${memory.files} files)`,
      value: `${memory.firstPeakMb.toFixed(0)} MB / ${memory.lastPeakMb.toFixed(0)} MB`,
    });
  }
  const dicomRuns = backends.flatMap((b) => (b.started && b.dicom ? b.dicom : []));
  const dicomSection = `DICOM decode, ${DICOM_COLUMNS}x${DICOM_ROWS} 12-bit in 16 (Chromium)`;
  if ('skipped' in dicom) rows.push({ section: dicomSection, metric: 'skipped', value: dicom.skipped });
  for (const run of dicomRuns) {
    const input = dicomByUrl.get(run.url)!;
    const s = summarize(run.ms);
    const reduced = run.minSide ? ` for the model (minSide ${run.minSide}: 1/${run.reduction} per side)` : '';
    rows.push({
      section: dicomSection,
      metric: `${input.syntax}${reduced} (${bytes(run.bytes)}), median / first`,
      value: `${ms(s.median)} / ${ms(run.firstMs)}`,
      ...atMost(s.median, input.targetMs, ms(input.targetMs)),
    });
  }
  // per transfer syntax: the first result (decoded at the model's size, then analysed) beside the full-size
  // decode a viewer does when the film is shown
  const firstResultSection = `DICOM time to first result vs full-size decode, ${DICOM_COLUMNS}x${DICOM_ROWS} 12-bit (Chromium)`;
  for (const b of backends) {
    if (!b.started || !b.dicomFirstResults) continue;
    for (const first of b.dicomFirstResults) {
      const input = dicomByUrl.get(first.url)!;
      const full = b.dicom?.find((run) => run.url === first.url && !run.minSide);
      const reduced = first.reduction > 1 ? `decoded at 1/${first.reduction} per side` : 'decoded at full size';
      const failed = first.reducedDecodeFailure ? `; reduced decode failed: ${first.reducedDecodeFailure}` : '';
      rows.push({
        section: firstResultSection,
        metric: `${input.syntax} (${b.cold.label}, ${reduced}${failed}): first result (decode) / full-size decode, medians`,
        value: `${ms(median(first.ms))} (${ms(median(first.decodeMs))}) / ${full ? ms(summarize(full.ms).median) : 'n/a'}`,
        ...atMost(median(first.decodeMs), input.targetMs, ms(input.targetMs)),
      });
    }
  }

  const results = {
    date: new Date().toISOString(),
    quick: QUICK,
    durationSeconds: (Date.now() - started) / 1000,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg(), node: process.version },
    images: images.map((i) => relative(REPO, i.path)),
    targets: TARGET,
    modelFiles: files,
    initialJs: js,
    oursWarmMedianMs: oursWarm,
    backends,
    pageColdRuns,
    appCold,
    cli,
    cliMemory: memory,
    dicomInputs: 'inputs' in dicom ? dicom.inputs.map((d) => ({ ...d, file: relative(REPO, d.file) })) : dicom,
    table: rows,
  };
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${formatTable(rows)}\n\n`);
  process.stdout.write(
    `machine: ${results.machine.cpus} cores, 1-minute load average ${loadAtStart[0]!.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end; ` +
      `${results.durationSeconds.toFixed(0)} s; every sample in ${relative(REPO, RESULTS)}\n`,
  );
}

await main();

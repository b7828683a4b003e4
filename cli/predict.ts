// `npm run predict -- <files or folders> [--csv] [--backend wasm|cpu] [--models dir] [--heatmap] [--out file [--resume]]
//  [--files-from list] [--progress] [--thresholds file]`; or `--calibrate <labelled folder> [--write-thresholds file]`
// Streams one result row per image (per frame for multi-frame DICOM); a bad image is an error row,
// never a failed run. Exit status: 0 done, 1 models could not be loaded, 2 usage error (or a bad thresholds file).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activeBackendLabel, initBackend } from '../src/models/backend';
import { disposeModels, loadModels } from '../src/models/load';
import { analyzeImage, errorResult, type LoadedModels } from '../src/pipeline/analyze';
import { bodyPartClasses } from '../src/pipeline/manifest';
import { applySiteThresholds, parseSiteThresholdsText, type SiteThresholds } from '../src/pipeline/site-thresholds';
import { modelDecodeMinSide } from '../src/pipeline/preprocess';
import type { ImageResult } from '../src/pipeline/types';
import { decodeImageBytes } from '../src/decode/node';
import { parseCliArgs, UsageError, USAGE, type CliOptions } from './args';
import { checkPathsExist, imageFiles, listedPaths, readInputFile } from './files';
import { openOutput } from './output';
import { Progress } from './progress';
import { csvHeader, csvRow, jsonRow } from './format';
import { runCalibration } from './calibrate';

/** The --thresholds file, read and checked field by field (its use with these models is checked once they load). */
async function readSiteThresholds(path: string | null): Promise<SiteThresholds | null> {
  if (path === null) return null;
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new UsageError(`--thresholds ${path}: cannot read it (${messageOf(error)})`);
  });
  try {
    return parseSiteThresholdsText(text);
  } catch (error) {
    throw new UsageError(`--thresholds ${path}: ${messageOf(error)}`);
  }
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_MODELS_DIR = join(REPO_ROOT, 'public', 'models');

function wasmDistFolder(): string {
  // the package's Node entry point lives in its dist folder, next to the .wasm binaries
  return dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function analyzeFile(path: string, models: LoadedModels): Promise<ImageResult[]> {
  let decoded;
  try {
    // the model's size where the codec allows (JPEG 2000 resolution levels): the CLI shows no image
    decoded = await decodeImageBytes(await readInputFile(path), { minSide: modelDecodeMinSide(models.manifest.input.size) });
  } catch (error) {
    return [errorResult(path, messageOf(error))];
  }
  const { frames, stored, reducedDecodeFailure, dicom } = decoded;
  if (reducedDecodeFailure) {
    process.stderr.write(`bonelens: ${path}: could not be decoded at the model's size (${reducedDecodeFailure}); decoded at full size\n`);
  }
  const results: ImageResult[] = [];
  for (const [index, frame] of frames.entries()) {
    const file = frames.length > 1 ? `${path}#${index + 1}` : path;
    try {
      const result = await analyzeImage(frame, file, models, dicom);
      // the size as stored, as for every other file, not the size it was decoded at for the model
      results.push(stored ? { ...result, ...stored } : result);
    } catch (error) {
      results.push(errorResult(file, messageOf(error), stored?.width ?? frame.width, stored?.height ?? frame.height));
    }
  }
  return results;
}

async function run(options: CliOptions, site: SiteThresholds | null): Promise<number> {
  const modelsDir = resolve(options.modelsDir ?? DEFAULT_MODELS_DIR);
  const backend = await initBackend(options.backend, wasmDistFolder());
  let models: LoadedModels;
  try {
    models = await loadModels(async (path) => new Uint8Array(await readFile(join(modelsDir, path))));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    process.stderr.write(
      missing
        ? `bonelens: no models in ${modelsDir} (${messageOf(error)}); export them first (training/export.py) or pass --models <dir>\n`
        : `bonelens: cannot load the models in ${modelsDir}: ${messageOf(error)}\n`,
    );
    return 1;
  }
  process.stderr.write(`bonelens: models ${models.manifest.version}, backend ${backend}${backend === 'wasm' ? ` (${await activeBackendLabel()})` : ''}\n`);
  let decidingModels = models;
  try {
    decidingModels = { ...models, manifest: applySiteThresholds(models.manifest, site) };
  } catch (error) {
    process.stderr.write(`bonelens: --thresholds ${options.thresholds}: ${messageOf(error)}\n`);
    disposeModels(models);
    return 2;
  }
  if (site) {
    const parts = Object.entries(site.parts).map(([part, t]) => `${part} ${t.low}–${t.high}`).join(', ');
    process.stderr.write(`bonelens: site thresholds in use (set ${site.createdAt.slice(0, 10)}): ${parts}\n`);
  }

  const showProgress = options.progress || process.stderr.isTTY === true;
  if (options.calibrate) {
    const files: string[] = [];
    for await (const path of imageFiles([...options.paths, ...(await listedPaths(options.filesFrom))])) files.push(path);
    const progress = showProgress ? new Progress(files.length, 0, (text) => process.stderr.write(text), process.stderr.isTTY === true) : undefined;
    try {
      return await runCalibration({ options, models, site, files, analyzeFile, progress, note: (text) => process.stderr.write(`bonelens: ${text}\n`) });
    } catch (error) {
      process.stderr.write(`bonelens: ${messageOf(error)}\n`);
      return 2;
    } finally {
      disposeModels(models);
    }
  }

  const classes = bodyPartClasses(models.manifest);
  const siteColumn = site !== null && options.csv;
  const output = openOutput({ out: options.out, resume: options.resume, csv: options.csv, header: `${csvHeader(classes)}${siteColumn ? ',thresholds' : ''}` });
  if (output.note) process.stderr.write(`bonelens: ${output.note}\n`);
  // the whole list first: progress needs the total, resuming the files left
  const files: string[] = [];
  for await (const path of imageFiles([...options.paths, ...(await listedPaths(options.filesFrom))])) files.push(path);
  const todo = files.filter((path) => !output.done.has(path));
  const progress = showProgress
    ? new Progress(files.length, files.length - todo.length, (text) => process.stderr.write(text), process.stderr.isTTY === true)
    : undefined;
  const counts = new Map<string, number>();
  for (const path of todo) {
    const results = await analyzeFile(path, decidingModels);
    for (const result of results) counts.set(result.decision, (counts.get(result.decision) ?? 0) + 1);
    const row = (result: ImageResult) =>
      options.csv ? `${csvRow(result, classes)}${siteColumn ? `,${result.siteThresholds ? 'site' : 'shipped'}` : ''}` : jsonRow(result, options.heatmap);
    output.write(results.map((result) => `${row(result)}\n`).join(''));
    progress?.fileDone(results.length);
  }
  progress?.finish();
  output.close();
  disposeModels(models);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const summary = [...counts].map(([decision, n]) => `${n} ${decision}`).join(', ');
  const skipped = output.done.size ? `; ${files.length - todo.length} file(s) skipped, already in ${options.out}` : '';
  process.stderr.write(`bonelens: ${total} image${total === 1 ? '' : 's'}${summary ? `: ${summary}` : ''}${skipped}\n`);
  return 0;
}

async function main(): Promise<void> {
  // a closed pipe (e.g. `| head`) ends the run quietly
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  let options: CliOptions;
  let site: SiteThresholds | null;
  try {
    options = parseCliArgs(process.argv.slice(2));
    if (options.help) {
      process.stdout.write(USAGE);
      return;
    }
    await checkPathsExist([...options.paths, ...options.filesFrom.filter((list) => list !== '-')]);
    site = await readSiteThresholds(options.thresholds);
  } catch (error) {
    if (!(error instanceof UsageError) && !/^no such file or folder/.test(messageOf(error))) throw error;
    process.stderr.write(`bonelens: ${messageOf(error)}\nRun "npm run predict -- --help" for usage.\n`);
    process.exitCode = 2;
    return;
  }
  process.exitCode = await run(options, site);
}

await main();

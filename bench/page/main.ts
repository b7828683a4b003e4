// The benchmark page: the app's own modules (src/models, src/pipeline, src/decode/browser) on the main thread,
// so the timings are those of the analysis itself (the app's worker only adds message passing). On load it
// measures the cold first result (page load -> models -> first image analysed) for ?backend=..&first=..,
// then bench/run.ts drives the warm measurements through window.bench.
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { startBackend, type BackendName } from '../../src/models/backend';
import { backendLabel } from '../../src/models/wasm-flavour';
import { loadModels } from '../../src/models/load';
import { analyzeImage, type LoadedModels } from '../../src/pipeline/analyze';
import { buildHeatmap } from '../../src/pipeline/heatmap';
import { headOf } from '../../src/pipeline/manifest';
import { letterboxArea, normalize } from '../../src/pipeline/preprocess';
import { decodeImageBytes } from '../../src/decode/browser';
import type { DicomMeta } from '../../src/pipeline/dicom/index';
import type { ColdResult, DicomFirstResult, DicomTiming, MemoryResult, SeedResult, StageTimes } from '../protocol';

const MODELS_URL = '/models/';
const WASM_URL = '/tfjs-wasm/';

let models: LoadedModels | null = null;

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function loaded(): LoadedModels {
  if (!models) throw new Error('models not loaded (the cold run failed?)');
  return models;
}

/** Which WebGL implementation this browser has (SwiftShader is a software one), or null without WebGL. */
function webglRenderer(): string | null {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

async function cold(backend: BackendName, firstImageUrl: string): Promise<ColdResult> {
  const startedAt = performance.now();
  const started = await startBackend(backend, WASM_URL);
  const actual = started.backend;
  const backendReadyAt = performance.now();
  models = await loadModels(async (path) => fetchBytes(MODELS_URL + path));
  const modelsReadyAt = performance.now();
  const decoded = await decodeImageBytes(await fetchBytes(firstImageUrl));
  const result = await analyzeImage(decoded.image, firstImageUrl, models);
  const firstResultAt = performance.now();
  return {
    requested: backend,
    backend: actual,
    label: backendLabel(actual, started.wasm),
    crossOriginIsolated,
    scriptStartMs: startedAt,
    backendMs: backendReadyAt - startedAt,
    loadMs: modelsReadyAt - backendReadyAt,
    firstResultMs: firstResultAt,
    firstDecision: result.decision,
    memoryAfterLoadBytes: tf.memory().numBytes,
    webglRenderer: actual === 'webgl' ? webglRenderer() : null,
  };
}

/** Decode, preprocess, stage 1, stage 2 (always, whatever stage 1 says: the worst case), heatmap. */
async function endToEnd(bytes: Uint8Array): Promise<StageTimes> {
  const { manifest, classifiers } = loaded();
  const t0 = performance.now();
  const { image } = await decodeImageBytes(bytes);
  const t1 = performance.now();
  const { pixels, box } = letterboxArea(image, manifest.input.size, manifest.input.padValue);
  const input = normalize(pixels, manifest.input.normalization);
  const t2 = performance.now();
  const stage1 = await classifiers[manifest.bodyPart.model]!.predict(input);
  const t3 = performance.now();
  const route = manifest.routing[manifest.bodyPart.supported[0]!]!;
  // one graph with both heads: stage 2 reads the same forward pass (a second model would run here)
  const stage2 = route.model === manifest.bodyPart.model ? stage1 : await classifiers[route.model]!.predict(input);
  const t4 = performance.now();
  const head = headOf(manifest, route);
  buildHeatmap(stage2[route.head]!.cam, manifest.models[route.model]!.camSize, head.classes.length, route.output, box);
  const t5 = performance.now();
  if (stage1[manifest.bodyPart.head]!.logits.length === 0) throw new Error('stage 1 returned no logits');
  return { decode: t1 - t0, preprocess: t2 - t1, stage1: t3 - t2, stage2: t4 - t3, heatmap: t5 - t4, total: t5 - t0 };
}

async function warm(urls: string[], passes: number): Promise<StageTimes[]> {
  // the bytes are in memory before timing starts, as a dropped file is
  const files = await Promise.all(urls.map(fetchBytes));
  const times: StageTimes[] = [];
  for (let pass = 0; pass < passes; pass++) {
    for (const bytes of files) times.push(await endToEnd(bytes));
  }
  return times;
}

async function peakMemory(url: string): Promise<MemoryResult> {
  const bytes = await fetchBytes(url);
  const before = tf.memory().numBytes;
  const info = await tf.profile(async () => {
    await endToEnd(bytes);
  });
  return { residentBytes: before, peakBytes: info.peakBytes, leakedTensors: info.newTensors };
}

/** The seed's pipeline: decode, resize to 224x224x3, ResNet50 for the body part, ResNet50 again for fracture. */
/** `runs` warm runs, or fewer once `maxSeconds` have passed (but never fewer than `minRuns`). */
async function seed(modelUrl: string, imageUrls: string[], runs: number, minRuns: number, maxSeconds: number): Promise<SeedResult> {
  const t0 = performance.now();
  const model = await loadGraphModel(modelUrl);
  const loadMs = performance.now() - t0;
  const side = 224;
  const files = await Promise.all(imageUrls.map(fetchBytes));
  const inputName = model.inputs[0]!.name;
  const runOnce = async (bytes: Uint8Array) => {
    const start = performance.now();
    const { image } = await decodeImageBytes(bytes);
    const gray = normalize(letterboxArea(image, side, 0).pixels, { mean: 0.5, std: 0.25 });
    const rgb = new Float32Array(gray.length * 3);
    for (let i = 0; i < gray.length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = gray[i]!;
    const modelStart = performance.now();
    for (let stage = 0; stage < 2; stage++) {
      const out = tf.tidy(() => model.execute({ [inputName]: tf.tensor4d(rgb, [1, side, side, 3]) }) as tf.Tensor);
      await out.data();
      out.dispose();
    }
    const end = performance.now();
    return { total: end - start, models: end - modelStart };
  };
  await runOnce(files[0]!); // warm-up: shader compilation, kernel set-up
  const residentBytes = tf.memory().numBytes;
  const totals: number[] = [];
  const modelTimes: number[] = [];
  const deadline = performance.now() + maxSeconds * 1000;
  for (let i = 0; i < runs && (i < minRuns || performance.now() < deadline); i++) {
    const { total, models: m } = await runOnce(files[i % files.length]!);
    totals.push(total);
    modelTimes.push(m);
  }
  model.dispose();
  return { loadMs, residentBytes, totals, models: modelTimes };
}

/** `minSide`: decode only as large as that needs (JPEG 2000 resolution levels), as for the model alone. */
async function dicom(url: string, repeats: number, minSide?: number): Promise<DicomTiming> {
  // a lazy chunk, as in the app
  const { decodeDicomFile } = await import('../../src/pipeline/dicom/index');
  const bytes = await fetchBytes(url);
  const ms: number[] = [];
  let meta: DicomMeta | null = null;
  let reduction = 1;
  for (let i = 0; i <= repeats; i++) {
    const start = performance.now();
    ({ meta, reduction } = await decodeDicomFile(bytes, { minSide }));
    ms.push(performance.now() - start);
  }
  // the first decode also loads the codec (a lazy WASM chunk): reported apart
  return {
    bytes: bytes.length,
    firstMs: ms[0]!,
    ms: ms.slice(1),
    rows: meta!.rows,
    columns: meta!.columns,
    bitsStored: meta!.bitsStored,
    transferSyntax: meta!.transferSyntax,
    reduction,
  };
}

/** Decode at the model's size (`minSide`), then analyse: what the app's worker and the CLI do before the first result. */
async function dicomFirstResult(url: string, repeats: number, minSide: number): Promise<DicomFirstResult> {
  const { decodeDicomFile } = await import('../../src/pipeline/dicom/index');
  const bytes = await fetchBytes(url);
  const ms: number[] = [];
  const decodeMs: number[] = [];
  let reduction = 1;
  let reducedDecodeFailure: string | undefined;
  await decodeDicomFile(bytes, { minSide }); // loads the codec: not counted
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    const decoded = await decodeDicomFile(bytes, { minSide });
    const decodedAt = performance.now();
    await analyzeImage(decoded.frames[0]!, url, loaded());
    ms.push(performance.now() - start);
    decodeMs.push(decodedAt - start);
    ({ reduction, reducedDecodeFailure } = decoded);
  }
  return { ms, decodeMs, reduction, ...(reducedDecodeFailure ? { reducedDecodeFailure } : {}) };
}

declare global {
  interface Window {
    bench: {
      cold: Promise<ColdResult | { error: string }> | null;
      warm: typeof warm;
      peakMemory: typeof peakMemory;
      seed: typeof seed;
      dicom: typeof dicom;
      dicomFirstResult: typeof dicomFirstResult;
    };
  }
}

const params = new URLSearchParams(location.search);
const backendParam = params.get('backend') as BackendName | null;
const firstParam = params.get('first');
window.bench = {
  cold:
    backendParam && firstParam
      ? cold(backendParam, firstParam).catch((e: unknown) => ({ error: e instanceof Error ? e.stack ?? e.message : String(e) }))
      : null,
  warm,
  peakMemory,
  seed,
  dicom,
  dicomFirstResult,
};

// The analysis worker: the only browser code that loads TF.js (through src/models/). It decodes each
// dropped file, runs the two-stage pipeline and replies per file, so a batch streams and one bad file
// never stops the others. Nothing here sends image bytes anywhere: the only fetches are model files.
/// <reference lib="webworker" />
import { initBackend } from '../models/backend';
import { loadModels } from '../models/load';
import { analyzeImage, errorResult, type LoadedModels } from '../pipeline/analyze';
import { DecodeError, decodeImageBytes, previewBitmap } from '../decode/browser';
import { expose, withTransfer } from './rpc';
import type { AnalyzeReply, InitOptions, InitReply, WorkerApi, WorkerEvent } from './protocol';

/** Long side of the preview bitmap sent back for display. */
const PREVIEW_SIDE = 1600;
const MANIFEST_FILE = 'manifest.json';

let models: LoadedModels | null = null;
let manifestJson: Record<string, unknown> = {};

function fetchFrom(baseUrl: string) {
  return async (path: string): Promise<Uint8Array> => {
    const url = new URL(path, baseUrl);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not load the model file ${path} (HTTP ${response.status})`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (path === MANIFEST_FILE) {
      try {
        manifestJson = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        manifestJson = {}; // loadModels reports the invalid JSON with its own, clearer message
      }
    }
    return bytes;
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof DecodeError) return error.message;
  return `analysis failed: ${error instanceof Error ? error.message : String(error)}`;
}

const api: WorkerApi = {
  async init(options: InitOptions): Promise<InitReply> {
    const backend = await initBackend(options.backend, options.wasmUrl);
    emit({ type: 'backend', backend });
    models = await loadModels(fetchFrom(options.modelsUrl), (loadedBytes, totalBytes) =>
      emit({ type: 'modelProgress', loadedBytes, totalBytes }),
    );
    return { backend, manifest: models.manifest, manifestJson };
  },

  async analyze(file: Blob, name: string): Promise<AnalyzeReply> {
    const started = performance.now();
    const done = (reply: Omit<AnalyzeReply, 'milliseconds'>): AnalyzeReply => {
      const full = { ...reply, milliseconds: performance.now() - started };
      return reply.preview ? withTransfer(full, [reply.preview]) : full;
    };
    let width = 0;
    let height = 0;
    try {
      if (!models) throw new Error('the models are not loaded');
      const decoded = await decodeImageBytes(new Uint8Array(await file.arrayBuffer()));
      ({ width, height } = decoded.original);
      const result = await analyzeImage(decoded.image, name, models);
      const preview = await previewBitmap(decoded.image, PREVIEW_SIDE);
      const downscaled = decoded.image.width < width || decoded.image.height < height;
      // report the size of the file as stored, not the size it was analysed at
      return done({ result: { ...result, width, height }, preview, downscaled });
    } catch (error) {
      return done({ result: errorResult(name, reasonOf(error), width, height), preview: null, downscaled: false });
    }
  },
};

const emit = expose<WorkerEvent>(api, self as unknown as DedicatedWorkerGlobalScope);

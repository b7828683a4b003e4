// The analysis worker: the only browser code that loads TF.js (through src/models/). It decodes each
// dropped file, runs the two-stage pipeline and replies per file, so a batch streams and one bad file
// never stops the others. Nothing here sends image bytes anywhere: the only fetches are model files.
/// <reference lib="webworker" />
import { startBackend } from '../models/backend';
import { loadModels } from '../models/load';
import { analyzeImage, errorResult, type LoadedModels } from '../pipeline/analyze';
import { DecodeError, decodeImageBytes, previewBitmap, type DecodedImage } from '../decode/browser';
import type { ImageResult } from '../pipeline/types';
import { checkFileSize, LimitError } from '../pipeline/limits';
import { applySiteThresholds, type SiteThresholds } from '../pipeline/site-thresholds';
import { expose, withTransfer } from './rpc';
import { modelDecodeMinSide } from '../pipeline/preprocess';
import type { AnalyzeReply, FullSizeDicom, InitOptions, InitReply, WorkerApi, WorkerEvent } from './protocol';

/** Long side of the preview bitmap sent back for display. */
const PREVIEW_SIDE = 1600;
const MANIFEST_FILE = 'manifest.json';

let models: LoadedModels | null = null;
/** the models with the thresholds in effect (the site's, where set) in their manifest */
let deciding: LoadedModels | null = null;
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
  if (error instanceof DecodeError || error instanceof LimitError) return error.message;
  return `analysis failed: ${error instanceof Error ? error.message : String(error)}`;
}

const api: WorkerApi = {
  async init(options: InitOptions): Promise<InitReply> {
    const { backend, note, wasm } = await startBackend(options.backend, options.wasmUrl);
    emit({ type: 'backend', backend, note, wasm });
    models = await loadModels(fetchFrom(options.modelsUrl), (loadedBytes, totalBytes) =>
      emit({ type: 'modelProgress', loadedBytes, totalBytes }),
    );
    deciding = models;
    return { backend, manifest: models.manifest, manifestJson };
  },

  async setSiteThresholds(site: SiteThresholds | null): Promise<void> {
    if (!models) throw new Error('the models are not loaded');
    deciding = { ...models, manifest: applySiteThresholds(models.manifest, site) };
  },

  async analyze(file: Blob, name: string): Promise<AnalyzeReply[]> {
    const started = performance.now();
    const reply = (result: ImageResult, preview: ImageBitmap | null, downscaled: boolean): AnalyzeReply => ({
      result,
      preview,
      downscaled,
      milliseconds: performance.now() - started,
    });
    let decoded: DecodedImage;
    try {
      if (!deciding) throw new Error('the models are not loaded');
      checkFileSize(file.size); // before reading it into memory
      // the first result at the model's size where the codec allows (DICOM JPEG 2000 resolution levels); the page
      // asks for the full-size values (fullSizeDicom) for its viewer afterwards
      const minSide = modelDecodeMinSide(deciding.manifest.input.size);
      decoded = await decodeImageBytes(new Uint8Array(await file.arrayBuffer()), undefined, { minSide });
    } catch (error) {
      return [reply(errorResult(name, reasonOf(error)), null, false)];
    }
    const { frames, original, dicom } = decoded;
    if (dicom?.reducedDecodeFailure) {
      // decoded once at full size instead, which the viewer uses as it is: said, not hidden
      console.warn(`decoding at the model's size failed (${dicom.reducedDecodeFailure}); decoded at full size`);
    }
    const replies: AnalyzeReply[] = [];
    for (const [index, frame] of frames.entries()) {
      const frameName = frames.length > 1 ? `${name}#${index + 1}` : name;
      // report the size of the file as stored, not the size it was analysed at
      const { width, height } = frames.length > 1 && !dicom ? frame : original;
      try {
        const result = await analyzeImage(frame, frameName, deciding!, dicom?.meta);
        const preview = await previewBitmap(frame, PREVIEW_SIDE);
        const done = reply({ ...result, width, height }, preview, frame.width < width || frame.height < height);
        const values = dicom?.values[index];
        if (dicom && values) {
          done.dicom = {
            meta: dicom.meta, values, width: frame.width, height: frame.height, min: dicom.min, max: dicom.max, reduction: dicom.reduction,
          };
        }
        replies.push(done);
      } catch (error) {
        replies.push(reply(errorResult(frameName, reasonOf(error), width, height), null, false));
      }
    }
    const previews: Transferable[] = replies.flatMap((r) => (r.preview ? [r.preview] : []));
    const values = replies.flatMap((r) => (r.dicom ? [r.dicom.values.buffer as ArrayBuffer] : []));
    return withTransfer(replies, [...previews, ...values]);
  },

  async fullSizeDicom(file: Blob): Promise<FullSizeDicom> {
    const { dicom, original } = await decodeImageBytes(new Uint8Array(await file.arrayBuffer()));
    if (!dicom) throw new DecodeError('not a DICOM file');
    const { meta, values, min, max } = dicom;
    return withTransfer({ meta, values, width: original.width, height: original.height, min, max }, values.map((v) => v.buffer as ArrayBuffer));
  },
};

const emit = expose<WorkerEvent>(api, self as unknown as DedicatedWorkerGlobalScope);

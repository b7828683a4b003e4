// The typed messages between the page and the analysis worker.
import type { BackendName } from '../models/backend';
import type { WasmFlavour } from '../models/wasm-flavour';
import type { DicomMeta } from '../pipeline/dicom/index';
import type { Manifest } from '../pipeline/manifest';
import type { SiteThresholds } from '../pipeline/site-thresholds';
import type { ImageResult } from '../pipeline/types';

export type BackendChoice = BackendName | 'auto';

export interface InitOptions {
  backend: BackendChoice;
  /** absolute URL of the models folder (ends with '/') */
  modelsUrl: string;
  /** absolute URL of the folder with the tfjs-backend-wasm binaries (ends with '/') */
  wasmUrl: string;
}

export interface InitReply {
  backend: BackendName;
  manifest: Manifest;
  /** manifest.json exactly as shipped, for the model card (it renders every field, typed or not) */
  manifestJson: Record<string, unknown>;
}

export interface AnalyzeReply {
  result: ImageResult;
  /** the grayscale image the model saw, downscaled for display; null when the file could not be decoded */
  preview: ImageBitmap | null;
  /** true when the image was larger than the decode cap and was analysed downscaled */
  downscaled: boolean;
  milliseconds: number;
  /** DICOM views only: the header and this view's modality values, moved (not copied) from the worker */
  dicom?: DicomView;
}

export interface DicomView {
  /** patient fields included: kept in memory for an on-request display, never logged, stored or exported */
  meta: DicomMeta;
  /** Modality LUT values of this view, row-major, `width * height` */
  values: Float32Array;
  width: number;
  height: number;
  /** value range over all views of the file */
  min: number;
  max: number;
  /**
   * 1: every stored pixel; 2, 4, ...: decoded that much smaller per side for the model's first result (JPEG 2000
   * resolution levels), to be replaced by the full-size decode (WorkerApi.fullSizeDicom) for the viewer
   */
  reduction: number;
}

/** Every view of a DICOM file decoded at full size, for the viewer after a first result at the model's size. */
export interface FullSizeDicom {
  meta: DicomMeta;
  /** per view, row-major, `width * height` */
  values: Float32Array[];
  width: number;
  height: number;
  min: number;
  max: number;
}

export interface WorkerApi {
  init(options: InitOptions): Promise<InitReply>;
  /** one reply per view: several for a multi-frame DICOM file (named `name#k`, as the CLI does) */
  analyze(file: Blob, name: string): Promise<AnalyzeReply[]>;
  /** a DICOM file's views at full size (the viewer's, after `analyze` replied with `dicom.reduction` > 1) */
  fullSizeDicom(file: Blob): Promise<FullSizeDicom>;
  /** decide from now on with the site's thresholds (checked against the loaded models), or, with null, the shipped ones */
  setSiteThresholds(site: SiteThresholds | null): Promise<void>;
}

export type WorkerEvent =
  | {
      type: 'backend';
      backend: BackendName;
      /** why the automatic choice skipped a backend */
      note?: string;
      /** on WASM: which build runs (SIMD, threads) */
      wasm?: WasmFlavour;
    }
  | { type: 'modelProgress'; loadedBytes: number; totalBytes: number };

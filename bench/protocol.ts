// What the benchmark page (bench/page/main.ts) hands back to bench/run.ts. Times in ms.

export interface ColdResult {
  requested: string;
  /** the backend that actually started (the fallback order may pick another) */
  backend: string;
  /** the backend in the app's words: on WASM its build ("WASM SIMD + 2 threads", "WASM SIMD", "WASM") */
  label: string;
  crossOriginIsolated: boolean;
  /** when the page's script began, after navigation start */
  scriptStartMs: number;
  backendMs: number;
  /** loadModels: fetch, sha256, build both graphs, warm each up once */
  loadMs: number;
  /** navigation start -> first image decoded and analysed */
  firstResultMs: number;
  firstDecision: string;
  memoryAfterLoadBytes: number;
  /** on the webgl backend, the WebGL renderer (SwiftShader: software, no GPU) */
  webglRenderer: string | null;
}

export interface StageTimes {
  decode: number;
  preprocess: number;
  stage1: number;
  stage2: number;
  heatmap: number;
  total: number;
}

export interface MemoryResult {
  /** tf.memory().numBytes with the models loaded, before the image */
  residentBytes: number;
  /** tf.profile peakBytes over one end-to-end analysis (weights included) */
  peakBytes: number;
  leakedTensors: number;
}

export interface SeedResult {
  loadMs: number;
  residentBytes: number;
  /** decode + 224x224x3 preprocessing + two ResNet50 runs, per image */
  totals: number[];
  /** the two ResNet50 runs alone */
  models: number[];
}

export interface DicomTiming {
  bytes: number;
  /** the first decode, which also loads the codec */
  firstMs: number;
  ms: number[];
  rows: number;
  columns: number;
  bitsStored: number;
  transferSyntax: string;
  /** 1: full size; 2, 4, ...: decoded that much smaller per side (JPEG 2000 levels, for the model alone) */
  reduction: number;
}

/**
 * Time to first result of one DICOM file as the analysis path runs it: decoded at the size the model needs
 * (minSide: JPEG 2000 resolution levels; other syntaxes every pixel), then analysed (both stages, heatmap).
 */
export interface DicomFirstResult {
  /** decode + analysis, per repeat (the codec already loaded) */
  ms: number[];
  /** the decode alone, per repeat */
  decodeMs: number[];
  /** 1: full size; 2, 4, ...: decoded that much smaller per side */
  reduction: number;
  /** why the reduced decode failed, where it did (the file was then decoded once at full size) */
  reducedDecodeFailure?: string;
}

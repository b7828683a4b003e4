// Live window/level of DICOM modality values. The values are binned once (a 16-bit index per pixel); each
// re-render then builds a 65536-entry lookup table with the decoder's own DICOM window (applyWindow) and makes
// one table-lookup pass into the canvas's RGBA pixels, fast enough to follow a mouse drag on 3000 x 3000 px.
import { applyWindow } from '../pipeline/dicom/pixels';

export interface ValueImage {
  values: Float32Array;
  width: number;
  height: number;
  min: number;
  max: number;
}

export interface VoiWindow {
  center: number;
  width: number;
}

const BINS = 65536;
/** an opaque gray RGBA pixel as one little-endian 32-bit word (every browser this app runs in is little-endian) */
const OPAQUE = 0xff000000;
const gray32 = (level: number) => (OPAQUE | (level << 16) | (level << 8) | level) >>> 0;

export interface BinnedImage {
  width: number;
  height: number;
  min: number;
  max: number;
  /** bin of each pixel */
  bins: Uint16Array;
  /** the modality value each bin stands for */
  binValues: Float32Array;
  /** pixels per bin */
  histogram: Uint32Array;
}

export function binValues(image: ValueImage): BinnedImage {
  const { values, min, max } = image;
  // a power-of-two step keeps integer (and half, quarter…) values exact, so the window matches the decoder's
  const step = max > min ? 2 ** Math.ceil(Math.log2((max - min) / (BINS - 1))) : 1;
  const bins = new Uint16Array(values.length);
  const histogram = new Uint32Array(BINS);
  for (let i = 0; i < values.length; i++) {
    const bin = Math.round((values[i]! - min) / step);
    bins[i] = bin;
    histogram[bin]! += 1;
  }
  const binValues = new Float32Array(BINS);
  for (let bin = 0; bin < BINS; bin++) binValues[bin] = Math.min(max, min + bin * step);
  return { width: image.width, height: image.height, min, max, bins, binValues, histogram };
}

/** Writes the windowed image into `out` (the canvas ImageData's pixels seen as 32-bit words). */
export function renderWindow(image: BinnedImage, window: VoiWindow, invert: boolean, out: Uint32Array): void {
  const levels = applyWindow(image.binValues, window.center, window.width, invert);
  const lut = new Uint32Array(BINS);
  for (let bin = 0; bin < BINS; bin++) lut[bin] = gray32(levels[bin]!);
  const { bins } = image;
  for (let i = 0; i < bins.length; i++) out[i] = lut[bins[i]!]!;
}

/** The DICOM window whose ramp runs from `low` to `high` (inverse of PS3.3 C.11.2.1.2's linear function). */
export function windowBetween(low: number, high: number): VoiWindow {
  const width = Math.max(1, high - low + 1);
  return { center: low + 0.5 + (width - 1) / 2, width };
}

/** The value below which `fraction` of the pixels lie. */
export function percentile(image: BinnedImage, fraction: number): number {
  const target = fraction * image.bins.length;
  let seen = 0;
  for (let bin = 0; bin < BINS; bin++) {
    seen += image.histogram[bin]!;
    if (seen >= target) return image.binValues[bin]!;
  }
  return image.max;
}

export interface WindowPreset {
  name: string;
  /** how the window was chosen, for a tooltip */
  why: string;
  window: VoiWindow;
}

/** CT values are Hounsfield units, so the usual fixed windows apply there (centre/width in HU). */
const CT_WINDOWS = { bone: { center: 400, width: 1800 }, softTissue: { center: 40, width: 400 } } as const;
/** Elsewhere (CR, DX) values have no physical scale: bone and soft tissue are the bright and dark parts of the histogram. */
const BONE_PERCENTILES = [0.4, 0.995] as const;
const SOFT_TISSUE_PERCENTILES = [0.01, 0.6] as const;

export interface PresetSource {
  modality?: string;
  photometric: string;
  windowCenter?: number;
  windowWidth?: number;
}

export function windowPresets(meta: PresetSource, image: BinnedImage): WindowPreset[] {
  const full: WindowPreset = { name: 'Full range', why: 'every value of the image, darkest to brightest', window: windowBetween(image.min, image.max) };
  const fileWindow =
    meta.windowCenter !== undefined && meta.windowWidth !== undefined && meta.windowWidth >= 1
      ? { center: meta.windowCenter, width: meta.windowWidth }
      : null;
  const byPercentiles = ([from, to]: readonly [number, number]) => {
    // in MONOCHROME1 low values are bright, so bone sits at the low end of the values
    const [a, b] = meta.photometric === 'MONOCHROME1' ? [1 - to, 1 - from] : [from, to];
    return windowBetween(percentile(image, a), percentile(image, b));
  };
  const ct = meta.modality === 'CT';
  return [
    {
      name: 'Default (file)',
      why: fileWindow ? "the file's first window centre and width" : 'the file has no window: its full range',
      window: fileWindow ?? full.window,
    },
    {
      name: 'Bone',
      why: ct ? 'centre 400 HU, width 1800 HU' : "the brightest part of this image's values",
      window: ct ? CT_WINDOWS.bone : byPercentiles(BONE_PERCENTILES),
    },
    {
      name: 'Soft tissue',
      why: ct ? 'centre 40 HU, width 400 HU' : "the darker part of this image's values",
      window: ct ? CT_WINDOWS.softTissue : byPercentiles(SOFT_TISSUE_PERCENTILES),
    },
    full,
  ];
}

/** How far one pixel of mouse drag (or a tenth of a key press) moves the window: 1/500 of the value range. */
export function windowStep(image: { min: number; max: number }): number {
  return Math.max((image.max - image.min) / 500, 1e-6);
}

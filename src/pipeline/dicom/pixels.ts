// From decoded samples to what the model sees, per the manifest's DICOM rule (voi-window-then-8bit):
// stored values -> Modality LUT (rescale) -> first VOI window, or min..max of the frame -> 0..255,
// MONOCHROME1 inverted after windowing. Colour images become BT.601 luma and skip the VOI stage, which
// DICOM defines for grayscale only.
import type { DecodedFrame } from './codecs.js';

const WHITE = 255;
/** BT.601 luma weights, the manifest's `grayscale: "bt601"` rule. */
const LUMA = { r: 0.299, g: 0.587, b: 0.114 };

export interface SampleFormat {
  bitsStored: number;
  signed: boolean;
  slope: number;
  intercept: number;
}

/** Keeps the low `bitsStored` bits of each sample, sign-extends them when signed, then applies the rescale. */
export function modalityValues(samples: ArrayLike<number>, count: number, format: SampleFormat): Float32Array {
  const { bitsStored, signed, slope, intercept } = format;
  const range = 2 ** bitsStored;
  const signBit = range / 2;
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let stored = bitsStored >= 32 ? samples[i] >>> 0 : (samples[i] >>> 0) % range;
    if (signed && stored >= signBit) stored -= range;
    values[i] = stored * slope + intercept;
  }
  return values;
}

/**
 * Luma of a 3-component frame. `ybr`: the samples are still Y/Cb/Cr (native or RLE YBR_FULL), so Y is the luma;
 * otherwise they are R/G/B.
 */
export function lumaValues(frame: DecodedFrame, ybr: boolean): Float32Array {
  const count = frame.width * frame.height;
  const { samples, planar } = frame;
  const at = (pixel: number, component: number) =>
    planar ? samples[component * count + pixel] : samples[pixel * frame.components + component];
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    values[i] = ybr ? at(i, 0) : LUMA.r * at(i, 0) + LUMA.g * at(i, 1) + LUMA.b * at(i, 2);
  }
  return values;
}

/** Linear map of [low, high] onto 0..255, clamped; values at or below `low` are black. */
function mapLinear(values: Float32Array, low: number, high: number, invert: boolean): Uint8Array {
  const out = new Uint8Array(values.length);
  const scale = high > low ? WHITE / (high - low) : 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    const level = x <= low ? 0 : x > high ? WHITE : Math.round((x - low) * scale);
    out[i] = invert ? WHITE - level : level;
  }
  return out;
}

/**
 * The linear VOI window of DICOM PS3.3 C.11.2.1.2 onto 0..255 (inverted for MONOCHROME1).
 * Its ramp runs from c - 0.5 - (w - 1) / 2 to c - 0.5 + (w - 1) / 2; widths below 1 are read as 1.
 */
export function applyWindow(values: Float32Array, center: number, width: number, invert: boolean): Uint8Array {
  const halfRamp = (Math.max(width, 1) - 1) / 2;
  return mapLinear(values, center - 0.5 - halfRamp, center - 0.5 + halfRamp, invert);
}

export function valueRange(values: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { min, max };
}

/** The 8-bit image of one grayscale frame: the first window when the file has one, else its own min..max. */
export function grayscaleTo8Bit(
  values: Float32Array,
  window: { center: number; width: number } | undefined,
  invert: boolean,
): Uint8Array {
  if (window) return applyWindow(values, window.center, window.width, invert);
  const { min, max } = valueRange(values);
  return mapLinear(values, min, max, invert);
}

/** Colour luma spans 0..2^bitsStored - 1: scale it to 0..255 as it is, with no windowing. */
export function lumaTo8Bit(values: Float32Array, bitsStored: number): Uint8Array {
  return mapLinear(values, 0, 2 ** bitsStored - 1, false);
}

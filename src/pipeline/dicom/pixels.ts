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

/** Modality values of one frame with their range (NaN values are left out of it). */
export interface ModalityFrame {
  values: Float32Array;
  min: number;
  max: number;
}

/**
 * Keeps the low `bitsStored` bits (1 to 32) of each sample, sign-extends them when signed, then applies the rescale.
 * One pass with integer shifts; the range comes from the extreme stored values, since the rescale is monotonic.
 */
export function modalityValues(samples: ArrayLike<number>, count: number, format: SampleFormat): ModalityFrame {
  const { bitsStored, signed, slope, intercept } = format;
  const shift = 32 - bitsStored;
  const values = new Float32Array(count);
  let lowest = Infinity;
  let highest = -Infinity;
  for (let i = 0; i < count; i++) {
    // shifting up drops the bits above bitsStored; shifting back (arithmetic or logical) extends the sign or not
    const stored = signed ? (samples[i] << shift) >> shift : (samples[i] << shift) >>> shift;
    values[i] = stored * slope + intercept;
    if (stored < lowest) lowest = stored;
    if (stored > highest) highest = stored;
  }
  if (!Number.isFinite(slope) || !Number.isFinite(intercept)) return { values, ...valueRange(values) };
  return { values, ...rescaledRange(lowest, highest, slope, intercept) };
}

/** Float32 range of the rescaled extremes; count 0 (no extremes) gives the empty range, as valueRange does. */
function rescaledRange(lowest: number, highest: number, slope: number, intercept: number): { min: number; max: number } {
  const low = Math.fround(lowest * slope + intercept);
  const high = Math.fround(highest * slope + intercept);
  if (Number.isNaN(low) || Number.isNaN(high)) return { min: Infinity, max: -Infinity };
  return low <= high ? { min: low, max: high } : { min: high, max: low };
}

/**
 * Luma of a 3-component frame. `ybr`: the samples are still Y/Cb/Cr (native or RLE YBR_FULL), so Y is the luma;
 * otherwise they are R/G/B.
 */
export function lumaValues(frame: DecodedFrame, ybr: boolean): Float32Array {
  const count = frame.width * frame.height;
  const { samples, planar } = frame;
  // index of a pixel's first component, and the distance from one component to the next
  const pixelStride = planar ? 1 : frame.components;
  const componentStride = planar ? count : 1;
  const values = new Float32Array(count);
  for (let i = 0, at = 0; i < count; i++, at += pixelStride) {
    values[i] = ybr
      ? samples[at]
      : LUMA.r * samples[at] + LUMA.g * samples[at + componentStride] + LUMA.b * samples[at + 2 * componentStride];
  }
  return values;
}

/**
 * Math.round(t) for t >= 0 is Math.floor(t + JUST_BELOW_HALF), bit for bit (plain + 0.5 rounds 0.49999999999999994
 * up). Math.round compiles to a data-dependent branch that the CPU mispredicts: three times slower on a radiograph.
 */
export const JUST_BELOW_HALF = 0.49999999999999994;

/** Linear map of [low, high] onto 0..255, clamped; values at or below `low` are black. */
function mapLinear(values: Float32Array, low: number, high: number, invert: boolean, out = new Uint8Array(values.length)): Uint8Array {
  const scale = high > low ? WHITE / (high - low) : 0;
  // level, or WHITE - level when inverted, without a branch per pixel
  const base = invert ? WHITE : 0;
  const sign = invert ? -1 : 1;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    const level = x <= low ? 0 : x > high ? WHITE : Math.floor((x - low) * scale + JUST_BELOW_HALF);
    out[i] = base + sign * level;
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
  frame: ModalityFrame,
  window: { center: number; width: number } | undefined,
  invert: boolean,
): Uint8Array {
  if (window) return applyWindow(frame.values, window.center, window.width, invert);
  return mapLinear(frame.values, frame.min, frame.max, invert);
}

/** Stored values of up to this many bits go through lookup tables (2^16 entries at most). */
const MAX_TABLE_BITS = 16;

/**
 * modalityValues and then grayscaleTo8Bit, bit for bit, in one pass over the samples for up to 16 bits stored:
 * each possible stored value is rescaled and mapped to 8 bits once, in lookup tables indexed by its low
 * `bitsStored` bits, and each pixel is two table reads. Without a window the 8-bit map needs the frame's range
 * first, so it takes a second (table-only) pass.
 */
export function grayscaleFrame(
  samples: ArrayLike<number>,
  count: number,
  format: SampleFormat,
  window: { center: number; width: number } | undefined,
  invert: boolean,
): ModalityFrame & { data: Uint8Array } {
  const { bitsStored, signed, slope, intercept } = format;
  if (bitsStored > MAX_TABLE_BITS || !Number.isFinite(slope) || !Number.isFinite(intercept)) {
    const modality = modalityValues(samples, count, format);
    return { ...modality, data: grayscaleTo8Bit(modality, window, invert) };
  }
  const size = 2 ** bitsStored;
  const mask = size - 1;
  const shift = 32 - bitsStored;
  // table index: the low bitsStored bits of a sample; its stored value is that, sign-extended when signed
  const rescaled = new Float32Array(size);
  for (let index = 0; index < size; index++) {
    const stored = signed ? (index << shift) >> shift : index;
    rescaled[index] = stored * slope + intercept;
  }
  const values = new Float32Array(count);
  const data = new Uint8Array(count);
  // the extreme indices of a signed frame are not its extreme values: flip the sign bit to order them
  const order = signed ? size >>> 1 : 0;
  let lowest = mask;
  let highest = 0;
  if (window) {
    const levels = windowLevels(rescaled, window, invert);
    for (let i = 0; i < count; i++) {
      const index = samples[i] & mask;
      values[i] = rescaled[index];
      data[i] = levels[index];
      const key = index ^ order;
      if (key < lowest) lowest = key;
      if (key > highest) highest = key;
    }
  } else {
    for (let i = 0; i < count; i++) {
      const index = samples[i] & mask;
      values[i] = rescaled[index];
      const key = index ^ order;
      if (key < lowest) lowest = key;
      if (key > highest) highest = key;
    }
  }
  // as modalityValues: its extremes start at +-Infinity when there is no pixel
  const range =
    count === 0
      ? rescaledRange(Infinity, -Infinity, slope, intercept)
      : rescaledRange(storedOf(lowest ^ order, signed, shift), storedOf(highest ^ order, signed, shift), slope, intercept);
  if (!window) {
    const levels = mapLinear(rescaled, range.min, range.max, invert);
    for (let i = 0; i < count; i++) data[i] = levels[samples[i] & mask];
  }
  return { values, ...range, data };
}

function storedOf(index: number, signed: boolean, shift: number): number {
  return signed ? (index << shift) >> shift : index;
}

function windowLevels(values: Float32Array, window: { center: number; width: number }, invert: boolean): Uint8Array {
  return applyWindow(values, window.center, window.width, invert);
}

/** Colour luma spans 0..2^bitsStored - 1: scale it to 0..255 as it is, with no windowing. */
export function lumaTo8Bit(values: Float32Array, bitsStored: number): Uint8Array {
  return mapLinear(values, 0, 2 ** bitsStored - 1, false);
}

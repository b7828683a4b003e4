// The heatmap of a result: one channel of the model's class-activation map, min-max normalised to [0, 1].
import type { Heatmap } from './types';

/** Channel `channel` of a row-major [camSize, camSize, channels] map (the batch dimension of 1 dropped). */
export function camChannel(cam: Float32Array, camSize: number, channels: number, channel: number): Float32Array {
  const cells = camSize * camSize;
  if (cam.length !== cells * channels) {
    throw new Error(`cam has ${cam.length} values, expected ${camSize}x${camSize}x${channels}`);
  }
  if (channel < 0 || channel >= channels) throw new Error(`cam channel ${channel} out of range 0..${channels - 1}`);
  const out = new Float32Array(cells);
  for (let i = 0; i < cells; i++) out[i] = cam[i * channels + channel];
  return out;
}

/** Scales to [0, 1]; a constant map (no spatial preference) becomes all zeros. */
export function minMaxNormalize(values: Float32Array): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  const out = new Float32Array(values.length);
  if (!(range > 0)) return out;
  for (let i = 0; i < values.length; i++) out[i] = (values[i] - min) / range;
  return out;
}

/** Gray-level spread below which a cell is flat: padding or a collimation shutter, not anatomy. */
export const FLAT_CELL_SPREAD = 6;
/** Mean gray level below which a cell is the film's black border or empty air, not anatomy. */
export const DARK_CELL_MEAN = 24;

/**
 * Per cell of a camSize grid laid over the square model input: 1 when it shows film content, 0 when it is
 * nearly black (mean below DARK_CELL_MEAN) or flat (standard deviation below FLAT_CELL_SPREAD gray levels).
 */
export function contentMask(pixels: Uint8Array, side: number, camSize: number): Float32Array {
  const mask = new Float32Array(camSize * camSize);
  for (let cy = 0; cy < camSize; cy++) {
    const y0 = Math.floor((cy * side) / camSize);
    const y1 = Math.floor(((cy + 1) * side) / camSize);
    for (let cx = 0; cx < camSize; cx++) {
      const x0 = Math.floor((cx * side) / camSize);
      const x1 = Math.floor(((cx + 1) * side) / camSize);
      let sum = 0;
      let squares = 0;
      let n = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const v = pixels[y * side + x];
          sum += v;
          squares += v * v;
          n++;
        }
      }
      const mean = n ? sum / n : 0;
      const spread = n ? Math.sqrt(Math.max(0, squares / n - mean * mean)) : 0;
      mask[cy * camSize + cx] = spread >= FLAT_CELL_SPREAD && mean >= DARK_CELL_MEAN ? 1 : 0;
    }
  }
  return mask;
}

export function buildHeatmap(
  cam: Float32Array,
  camSize: number,
  channels: number,
  channel: number,
  box: Heatmap['box'],
  content?: Float32Array,
): Heatmap {
  const heatmap: Heatmap = { size: camSize, values: minMaxNormalize(camChannel(cam, camSize, channels, channel)), box };
  if (content) heatmap.content = content;
  return heatmap;
}

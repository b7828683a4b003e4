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

export function buildHeatmap(cam: Float32Array, camSize: number, channels: number, channel: number, box: Heatmap['box']): Heatmap {
  return { size: camSize, values: minMaxNormalize(camChannel(cam, camSize, channels, channel)), box };
}

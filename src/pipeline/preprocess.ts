// The manifest's `letterbox-area` resize rule and input normalisation (docs/manifest.md). training/data.py
// implements the same rule; test/unit/preprocess.test.ts checks the two agree.
import type { GrayImage, Heatmap } from './types';
import { assertGrayImage } from './image';

/**
 * Coverage weights along one axis, scaled by the output length m so they are exact integers: output i
 * averages input interval [i*n/m, (i+1)*n/m), input pixel j weighted by its covered length; the weights
 * of every output pixel sum to n (= m times the interval length).
 */
interface AxisWeights {
  first: Int32Array;
  weights: Int32Array[];
}

function areaWeights(n: number, m: number): AxisWeights {
  const first = new Int32Array(m);
  const weights: Int32Array[] = [];
  for (let i = 0; i < m; i++) {
    const lo = i * n;
    const hi = (i + 1) * n;
    const j0 = Math.floor(lo / m);
    const j1 = Math.min(n, Math.ceil(hi / m));
    const w = new Int32Array(j1 - j0);
    for (let j = j0; j < j1; j++) w[j - j0] = Math.min(hi, (j + 1) * m) - Math.max(lo, j * m);
    first[i] = j0;
    weights.push(w);
  }
  return { first, weights };
}

/**
 * Area-average resize, separable (along x, then along y). Computed in exact integer arithmetic (sums stay
 * far below 2^53), so the only rounding is the final one, half up, to uint8.
 */
export function resizeArea(image: GrayImage, outWidth: number, outHeight: number): Uint8Array {
  const { width, height, data } = image;
  const wx = areaWeights(width, outWidth);
  const wy = areaWeights(height, outHeight);
  const rows = new Float64Array(height * outWidth);
  for (let y = 0; y < height; y++) {
    const rowIn = y * width;
    const rowOut = y * outWidth;
    for (let x = 0; x < outWidth; x++) {
      const w = wx.weights[x];
      const first = rowIn + wx.first[x];
      let acc = 0;
      for (let k = 0; k < w.length; k++) acc += w[k] * data[first + k];
      rows[rowOut + x] = acc;
    }
  }
  // value = acc / (width * height); round half up: floor((2 acc + d) / (2 d))
  const denominator = width * height;
  const out = new Uint8Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y++) {
    const w = wy.weights[y];
    const first = wy.first[y];
    for (let x = 0; x < outWidth; x++) {
      let acc = 0;
      for (let k = 0; k < w.length; k++) acc += w[k] * rows[(first + k) * outWidth + x];
      out[y * outWidth + x] = Math.min(255, Math.floor((2 * acc + denominator) / (2 * denominator)));
    }
  }
  return out;
}

/** Scaled size of a `width x height` image whose longer side becomes `size` (each side at least 1 px). */
export function letterboxSize(width: number, height: number, size: number): { width: number; height: number } {
  const scale = size / Math.max(width, height);
  return {
    width: Math.max(1, Math.floor(width * scale + 0.5)),
    height: Math.max(1, Math.floor(height * scale + 0.5)),
  };
}

/**
 * Resizes to fit a `size x size` square keeping the aspect ratio, centred on `padValue` padding.
 * `box` is the image's area inside the square, as fractions of the side.
 */
export function letterboxArea(
  image: GrayImage,
  size: number,
  padValue: number,
): { pixels: Uint8Array; box: Heatmap['box'] } {
  assertGrayImage(image);
  const { width: w, height: h } = letterboxSize(image.width, image.height, size);
  const resized = resizeArea(image, w, h);
  const x0 = Math.floor((size - w) / 2);
  const y0 = Math.floor((size - h) / 2);
  const pixels = new Uint8Array(size * size).fill(padValue);
  for (let y = 0; y < h; y++) pixels.set(resized.subarray(y * w, (y + 1) * w), (y0 + y) * size + x0);
  return { pixels, box: { x: x0 / size, y: y0 / size, width: w / size, height: h / size } };
}

/** x = (v / 255 - mean) / std for every uint8 pixel v. */
export function normalize(pixels: Uint8Array, norm: { mean: number; std: number }): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = (pixels[i] / 255 - norm.mean) / norm.std;
  return out;
}

/**
 * The shorter side a decode for the model alone needs (DecodeOptions.minSide of the DICOM decoder): twice the
 * model's input side. There a JPEG 2000 film decoded at fewer resolution levels gives a model input within about
 * one grey level of the full decode's (test/unit/dicom-j2k-levels.test.ts), for a fraction of the decode time.
 */
export function modelDecodeMinSide(inputSize: number): number {
  return 2 * inputSize;
}

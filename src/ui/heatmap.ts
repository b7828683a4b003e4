// Draws a class-activation grid over the image it came from: the grid covers the square model input,
// the image only its letterbox box, so the box's part of the grid is stretched over the whole image.
import type { Heatmap } from '../pipeline/types';

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Viridis (polynomial fit): dark blue (cold) to yellow (hot), perceptually even and colour-blind safe. t in [0, 1] -> RGB bytes. */
export function viridis(t: number): [number, number, number] {
  const x = clamp01(t);
  const channel = (c: readonly number[]) => c.reduceRight((acc, coefficient) => coefficient + x * acc, 0);
  const r = channel([0.2777273272234177, 0.1050930431085774, -0.3308618287255563, -4.634230498983486, 6.228269936347081, 4.776384997670288, -5.435455855934631]);
  const g = channel([0.005407344544966578, 1.404613529898575, 0.214847559468213, -5.799100973351585, 14.17993336680509, -13.74514537774601, 4.645852612178535]);
  const b = channel([0.3340998053353061, 1.384590162594685, 0.09509516302823659, -19.33244095627987, 56.69055260068105, -65.35303263337234, 26.3124352495832]);
  return [Math.round(clamp01(r) * 255), Math.round(clamp01(g) * 255), Math.round(clamp01(b) * 255)];
}

/** Below this share of the hottest cell, a cell is left fully transparent: only where the model looked most is tinted. */
export const COLD_BELOW = 0.4;
const MAX_ALPHA = 0.8;

/** How opaque a cell is: none when cold or outside the film's content, rising to MAX_ALPHA at the hottest. */
export function cellAlpha(value: number, content = 1): number {
  const heat = (clamp01(value) - COLD_BELOW) / (1 - COLD_BELOW);
  return heat <= 0 ? 0 : Math.round(255 * MAX_ALPHA * heat * clamp01(content));
}

/** The heatmap as RGBA, one pixel per grid cell: cold cells and cells off the film are transparent. */
export function heatmapPixels(heatmap: Heatmap): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(heatmap.size * heatmap.size * 4);
  heatmap.values.forEach((value, i) => {
    const [r, g, b] = viridis(value);
    rgba.set([r, g, b, cellAlpha(value, heatmap.content?.[i] ?? 1)], 4 * i);
  });
  return rgba;
}

/** CSS gradient of the colour map from COLD_BELOW up, for the legend. */
export function legendGradient(): string {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const [r, g, b] = viridis(COLD_BELOW + f * (1 - COLD_BELOW));
    return `rgb(${r} ${g} ${b}) ${f * 100}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/** Paints the heatmap, smoothly upsampled, over a canvas the size of the displayed image. */
export function drawHeatmap(canvas: HTMLCanvasElement, heatmap: Heatmap): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const grid = document.createElement('canvas');
  grid.width = heatmap.size;
  grid.height = heatmap.size;
  grid.getContext('2d')?.putImageData(new ImageData(heatmapPixels(heatmap), heatmap.size, heatmap.size), 0, 0);
  const { box, size } = heatmap;
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(grid, box.x * size, box.y * size, box.width * size, box.height * size, 0, 0, canvas.width, canvas.height);
}

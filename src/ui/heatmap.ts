// Draws a class-activation grid over the image it came from: the grid covers the square model input,
// the image only its letterbox box, so the box's part of the grid is stretched over the whole image.
import type { Heatmap } from '../pipeline/types';

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Google's Turbo colour map (polynomial fit): t in [0, 1] -> RGB bytes. */
export function turbo(t: number): [number, number, number] {
  const x = clamp01(t);
  const r = 0.13572138 + x * (4.6153926 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943))));
  const g = 0.09140261 + x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604))));
  const b = 0.1066733 + x * (12.64194608 + x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))));
  return [Math.round(clamp01(r) * 255), Math.round(clamp01(g) * 255), Math.round(clamp01(b) * 255)];
}

/** The heatmap as RGBA, one pixel per grid cell; cold cells are more transparent so the bone stays visible. */
export function heatmapPixels(heatmap: Heatmap): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(heatmap.size * heatmap.size * 4);
  heatmap.values.forEach((value, i) => {
    const [r, g, b] = turbo(value);
    rgba.set([r, g, b, Math.round(255 * (0.35 + 0.65 * clamp01(value)))], 4 * i);
  });
  return rgba;
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

// The heatmap's colours: a colour-blind-safe map (viridis), cold cells and cells off the film left transparent.
import { describe, expect, it } from 'vitest';
import { cellAlpha, COLD_BELOW, heatmapPixels, viridis } from '../../src/ui/heatmap';
import type { Heatmap } from '../../src/pipeline/types';

describe('viridis colour map', () => {
  it('runs from dark blue-purple (cold) to bright yellow (hot), brighter all the way', () => {
    const [r0, g0, b0] = viridis(0);
    const [r1, g1, b1] = viridis(1);
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(200);
    expect(g1).toBeGreaterThan(200);
    expect(b1).toBeLessThan(80);
    const luminance = (t: number) => {
      const [r, g, b] = viridis(t);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    for (let t = 0.1; t <= 1; t += 0.1) expect(luminance(t)).toBeGreaterThan(luminance(t - 0.1));
    // viridis starts at #440154 (the fit is within a few levels)
    for (const [got, want] of [[r0, 68], [g0, 1], [b0, 84]]) expect(Math.abs(got - want)).toBeLessThanOrEqual(4);
  });

  it('clamps values outside [0, 1]', () => {
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(7)).toEqual(viridis(1));
  });
});

describe('heatmapPixels', () => {
  it('gives one RGBA pixel per grid cell: cold cells transparent, hotter cells more opaque, never fully opaque', () => {
    const heatmap: Heatmap = { size: 2, values: new Float32Array([0, 0.7, 1, COLD_BELOW - 0.01]), box: { x: 0, y: 0, width: 1, height: 1 } };
    const rgba = heatmapPixels(heatmap);
    expect(rgba.length).toBe(2 * 2 * 4);
    const alpha = [3, 7, 11, 15].map((i) => rgba[i]!);
    expect(alpha[0]).toBe(0);
    expect(alpha[3]).toBe(0);
    expect(alpha[1]).toBeGreaterThan(0);
    expect(alpha[2]).toBeGreaterThan(alpha[1]!);
    expect(alpha[2]).toBeLessThan(255);
  });

  it('leaves cells outside the film content transparent however hot', () => {
    const heatmap: Heatmap = {
      size: 2,
      values: new Float32Array([1, 1, 1, 1]),
      box: { x: 0, y: 0, width: 1, height: 1 },
      content: new Float32Array([1, 0, 0, 1]),
    };
    const alpha = [3, 7, 11, 15].map((i) => heatmapPixels(heatmap)[i]!);
    expect(alpha).toEqual([cellAlpha(1), 0, 0, cellAlpha(1)]);
  });
});

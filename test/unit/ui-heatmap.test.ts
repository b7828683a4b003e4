// The heatmap's colours: a perceptual colour map, and transparency that keeps cold areas see-through.
import { describe, expect, it } from 'vitest';
import { heatmapPixels, turbo } from '../../src/ui/heatmap';
import type { Heatmap } from '../../src/pipeline/types';

describe('turbo colour map', () => {
  it('runs from blue (cold) through green to red (hot)', () => {
    const [r0, , b0] = turbo(0.15);
    const [r1, , b1] = turbo(0.9);
    const [rm, gm, bm] = turbo(0.5);
    expect(gm).toBeGreaterThan(Math.max(rm, bm));
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);
  });

  it('clamps values outside [0, 1]', () => {
    expect(turbo(-3)).toEqual(turbo(0));
    expect(turbo(7)).toEqual(turbo(1));
  });
});

describe('heatmapPixels', () => {
  it('gives one RGBA pixel per grid cell, hotter cells more opaque', () => {
    const heatmap: Heatmap = { size: 2, values: new Float32Array([0, 0.5, 1, 0.25]), box: { x: 0, y: 0, width: 1, height: 1 } };
    const rgba = heatmapPixels(heatmap);
    expect(rgba.length).toBe(2 * 2 * 4);
    const alpha = [3, 7, 11, 15].map((i) => rgba[i]!);
    expect(alpha[2]).toBe(255);
    expect(alpha[0]).toBeLessThan(alpha[3]!);
    expect(alpha[3]).toBeLessThan(alpha[1]!);
    expect(alpha[0]).toBeGreaterThan(0);
  });
});

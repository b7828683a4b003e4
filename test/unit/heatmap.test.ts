import { describe, expect, it } from 'vitest';
import { buildHeatmap, camChannel, contentMask, minMaxNormalize } from '../../src/pipeline/heatmap';
import { letterboxArea } from '../../src/pipeline/preprocess';
import { decodeImageBytes } from '../../src/decode/node';
import { fixtureBytes } from './support/models';

describe('heatmap from the class-activation map', () => {
  // a 2x2 cam with 3 channels; channel c at cell i holds 10 * c + i
  const cam = Float32Array.from({ length: 12 }, (_, k) => 10 * (k % 3) + Math.floor(k / 3));

  it('takes one channel of the [camSize, camSize, K] map, row-major', () => {
    expect(Array.from(camChannel(cam, 2, 3, 0))).toEqual([0, 1, 2, 3]);
    expect(Array.from(camChannel(cam, 2, 3, 2))).toEqual([20, 21, 22, 23]);
  });

  it('refuses a channel or a size that does not fit the map', () => {
    expect(() => camChannel(cam, 2, 3, 3)).toThrow(/out of range/);
    expect(() => camChannel(cam, 3, 3, 0)).toThrow(/expected 3x3x3/);
  });

  it('min-max normalises to exactly [0, 1], and a flat map to zeros', () => {
    expect(Array.from(minMaxNormalize(Float32Array.from([-2, 0, 2])))).toEqual([0, 0.5, 1]);
    expect(Array.from(minMaxNormalize(Float32Array.from([5, 5, 5])))).toEqual([0, 0, 0]);
  });

  it('builds a heatmap of the chosen channel over the letterbox box', () => {
    const box = { x: 0.1, y: 0, width: 0.8, height: 1 };
    const heatmap = buildHeatmap(cam, 2, 3, 1, box);
    expect(heatmap.size).toBe(2);
    expect(heatmap.box).toBe(box);
    expect(Array.from(heatmap.values)).toEqual([0, 1 / 3, 2 / 3, 1].map((v) => Math.fround(v)));
  });
});

describe('content mask', () => {
  it('marks flat cells (padding, black border, shutters) 0 and textured cells 1', () => {
    const side = 4;
    // left half flat black, right half a checkerboard of 0 and 200
    const pixels = Uint8Array.from({ length: side * side }, (_, i) => (i % side < 2 ? 0 : ((i + Math.floor(i / side)) % 2) * 200));
    expect(Array.from(contentMask(pixels, side, 2))).toEqual([0, 1, 0, 1]);
  });

  it('leaves out a bright flat shutter and a nearly black noisy border', () => {
    const side = 4;
    // top left: a white shutter (240); top right: dark noise (0 and 20, mean 10); bottom: textured film
    const pixels = Uint8Array.from({ length: side * side }, (_, i) => {
      const [x, y] = [i % side, Math.floor(i / side)];
      if (y < 2) return x < 2 ? 240 : ((x + y) % 2) * 20;
      return 60 + ((x + y) % 2) * 100;
    });
    expect(Array.from(contentMask(pixels, side, 2))).toEqual([0, 0, 1, 1]);
  });

  it('leaves the letterbox padding of a real radiograph out and keeps the film', async () => {
    const image = (await decodeImageBytes(fixtureBytes('leg_fracatlas_IMG0002588.jpg'))).frames[0];
    const { pixels, box } = letterboxArea(image, 160, 0);
    const mask = contentMask(pixels, 160, 10);
    // a narrow portrait film: the two outer columns of cells on each side are padding only
    expect(box.x).toBeGreaterThan(0.2);
    for (let row = 0; row < 10; row++) {
      for (const column of [0, 1, 8, 9]) expect(mask[row * 10 + column]).toBe(0);
    }
    expect(mask.reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
  });
});


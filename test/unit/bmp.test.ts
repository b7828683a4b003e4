import { describe, expect, it } from 'vitest';
import { decodeBmp } from '../../src/pipeline/bmp';
import { decodeImageBytes } from '../../src/decode/node';
import { fixtureBytes } from './support/models';

interface BmpOptions {
  width: number;
  height: number;
  bitsPerPixel: 1 | 4 | 8 | 24 | 32;
  topDown?: boolean;
  compression?: number;
  palette?: [number, number, number][];
  /** row-major from the top: palette indices, or [r, g, b] */
  pixel: (x: number, y: number) => number | [number, number, number];
}

/** A minimal BMP writer (BITMAPINFOHEADER), enough to build the test files. */
function encodeBmp(o: BmpOptions): Uint8Array {
  const stride = Math.ceil((o.width * o.bitsPerPixel) / 32) * 4;
  const paletteBytes = (o.palette?.length ?? 0) * 4;
  const offset = 14 + 40 + paletteBytes;
  const out = new Uint8Array(offset + stride * o.height);
  const view = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  view.setUint32(2, out.length, true);
  view.setUint32(10, offset, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, o.width, true);
  view.setInt32(22, o.topDown ? -o.height : o.height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, o.bitsPerPixel, true);
  view.setUint32(30, o.compression ?? 0, true);
  view.setUint32(46, o.palette?.length ?? 0, true);
  o.palette?.forEach(([r, g, b], i) => out.set([b, g, r, 0], 54 + i * 4));
  for (let y = 0; y < o.height; y++) {
    const row = offset + (o.topDown ? y : o.height - 1 - y) * stride;
    for (let x = 0; x < o.width; x++) {
      const p = o.pixel(x, y);
      if (typeof p === 'number') {
        const bit = x * o.bitsPerPixel;
        out[row + (bit >> 3)] |= p << (8 - o.bitsPerPixel - (bit & 7));
      } else {
        const at = row + x * (o.bitsPerPixel / 8);
        out.set([p[2], p[1], p[0]], at);
        if (o.bitsPerPixel === 32) out[at + 3] = 255;
      }
    }
  }
  return out;
}

const COLOURS: [number, number, number][] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]];

describe('decodeBmp', () => {
  for (const bitsPerPixel of [24, 32] as const) {
    for (const topDown of [false, true]) {
      it(`decodes ${bitsPerPixel}-bit ${topDown ? 'top-down' : 'bottom-up'} pixels in place`, () => {
        const bmp = encodeBmp({ width: 3, height: 2, bitsPerPixel, topDown, pixel: (x, y) => COLOURS[(x + y * 3) % 4] });
        const { width, height, rgba } = decodeBmp(bmp);
        expect([width, height]).toEqual([3, 2]);
        for (let i = 0; i < 6; i++) expect(Array.from(rgba.subarray(i * 4, i * 4 + 4))).toEqual([...COLOURS[i % 4], 255]);
      });
    }
  }

  for (const bitsPerPixel of [1, 4, 8] as const) {
    it(`decodes ${bitsPerPixel}-bit palette images`, () => {
      const palette = COLOURS.slice(0, bitsPerPixel === 1 ? 2 : 4);
      const index = (x: number, y: number) => (x * 7 + y) % palette.length;
      const bmp = encodeBmp({ width: 11, height: 3, bitsPerPixel, palette, pixel: index });
      const { rgba } = decodeBmp(bmp);
      for (let y = 0; y < 3; y++) {
        for (let x = 0; x < 11; x++) {
          const at = (y * 11 + x) * 4;
          expect(Array.from(rgba.subarray(at, at + 3))).toEqual(palette[index(x, y)]);
        }
      }
    });
  }

  it('refuses run-length-encoded, truncated and non-BMP data with clear messages', () => {
    const rle = encodeBmp({ width: 2, height: 2, bitsPerPixel: 8, palette: COLOURS, compression: 1, pixel: () => 0 });
    expect(() => decodeBmp(rle)).toThrow('unsupported BMP: run-length-encoded');
    const whole = encodeBmp({ width: 64, height: 64, bitsPerPixel: 24, pixel: () => [1, 2, 3] });
    expect(() => decodeBmp(whole.subarray(0, 2000))).toThrow('corrupt BMP: pixel data is truncated');
    expect(() => decodeBmp(new TextEncoder().encode('BMW is a car, not a bitmap'))).toThrow(/corrupt BMP/);
  });

  it('gives a real radiograph the same grey values as its JPEG original', async () => {
    const original = (await decodeImageBytes(fixtureBytes('hand_fracatlas_IMG0002940.jpg'))).frames[0];
    const bmp = encodeBmp({
      width: original.width,
      height: original.height,
      bitsPerPixel: 24,
      pixel: (x, y) => {
        const v = original.data[y * original.width + x];
        return [v, v, v];
      },
    });
    const { format, frames } = await decodeImageBytes(bmp);
    expect(format).toBe('bmp');
    expect(frames[0].width).toBe(original.width);
    expect(frames[0].height).toBe(original.height);
    expect(Buffer.from(frames[0].data).equals(Buffer.from(original.data))).toBe(true);
  });
});

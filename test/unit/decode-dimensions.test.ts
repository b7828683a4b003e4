// Reading an image's size from its header, so huge images are decoded straight to a smaller size.
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { fitWithin, imageDimensions } from '../../src/decode/dimensions';
import { sniffFormat } from '../../src/pipeline/image';

async function encoded(format: 'png' | 'jpeg' | 'webp' | 'gif', width: number, height: number, lossless = false) {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } } });
  const bytes = format === 'webp' ? await image.webp({ lossless }).toBuffer() : await image.toFormat(format).toBuffer();
  return new Uint8Array(bytes);
}

describe('imageDimensions', () => {
  it.each([
    ['png', 12000, 300],
    ['jpeg', 640, 4800],
    ['gif', 321, 123],
  ] as const)('reads the size of a %s (%i x %i) without decoding it', async (format, width, height) => {
    const bytes = await encoded(format, width, height);
    expect(imageDimensions(bytes, sniffFormat(bytes))).toEqual({ width, height });
  });

  it('reads lossy and lossless WebP headers', async () => {
    for (const lossless of [false, true]) {
      const bytes = await encoded('webp', 333, 222, lossless);
      expect(imageDimensions(bytes, 'webp')).toEqual({ width: 333, height: 222 });
    }
  });

  it('reads a BMP header, including a top-down one (negative height)', () => {
    const header = new Uint8Array(54);
    const view = new DataView(header.buffer);
    header.set([0x42, 0x4d]);
    view.setInt32(18, 800, true);
    view.setInt32(22, -600, true);
    expect(imageDimensions(header, 'bmp')).toEqual({ width: 800, height: 600 });
  });

  it('returns null for a header cut short or a format it does not know', async () => {
    const png = await encoded('png', 10, 10);
    expect(imageDimensions(png.subarray(0, 20), 'png')).toBeNull();
    expect(imageDimensions(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), 'jpeg')).toBeNull();
    expect(imageDimensions(png, 'unknown')).toBeNull();
  });
});

describe('fitWithin', () => {
  it('caps the long side and keeps the aspect ratio', () => {
    expect(fitWithin({ width: 12000, height: 12000 }, 4096)).toEqual({ width: 4096, height: 4096 });
    expect(fitWithin({ width: 12000, height: 3000 }, 4096)).toEqual({ width: 4096, height: 1024 });
    expect(fitWithin({ width: 100000, height: 1 }, 4096)).toEqual({ width: 4096, height: 1 });
  });

  it('never enlarges a small image', () => {
    expect(fitWithin({ width: 300, height: 200 }, 4096)).toEqual({ width: 300, height: 200 });
  });
});

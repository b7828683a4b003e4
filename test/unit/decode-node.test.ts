import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_DECODED_SIDE, decodeImageBytes, detectFormat } from '../../src/decode/node';
import { FIXTURES, REPO_ROOT, fixtureBytes } from './support/models';

const HAND = 'hand_fracatlas_IMG0002940.jpg';

function range(values: Uint8Array): [number, number] {
  return [values.reduce((a, b) => Math.min(a, b), 255), values.reduce((a, b) => Math.max(a, b), 0)];
}

/** A small real PNG whose header claims `width x height` (chunk CRC fixed up), to test size guards. */
async function pngClaimingSize(width: number, height: number): Promise<Uint8Array> {
  const png = new Uint8Array(await sharp(fixtureBytes(HAND)).png().toBuffer());
  const view = new DataView(png.buffer);
  const IHDR_DATA = 16;
  view.setUint32(IHDR_DATA, width);
  view.setUint32(IHDR_DATA + 4, height);
  view.setUint32(IHDR_DATA + 13, crc32(png.subarray(IHDR_DATA - 4, IHDR_DATA + 13)));
  return png;
}

async function handGray() {
  return (await decodeImageBytes(fixtureBytes(HAND))).frames[0];
}

describe('decodeImageBytes (Node, sharp)', () => {
  it('decodes every fixture to one 8-bit grayscale frame of its recorded size', async () => {
    for (const f of FIXTURES) {
      const { format, frames } = await decodeImageBytes(fixtureBytes(f.name));
      expect(format).toBe('jpeg');
      expect(frames).toHaveLength(1);
      expect([frames[0].width, frames[0].height]).toEqual([f.width, f.height]);
      expect(frames[0].data.length).toBe(f.width * f.height);
    }
  });

  it('gives identical pixels for the same image saved as lossless PNG, and close ones for WebP and GIF', async () => {
    const original = await handGray();
    const source = sharp(fixtureBytes(HAND));
    const png = await decodeImageBytes(await source.clone().png().toBuffer());
    expect(png.format).toBe('png');
    expect(Buffer.from(png.frames[0].data).equals(Buffer.from(original.data))).toBe(true);
    for (const encoded of [await source.clone().webp({ quality: 95 }).toBuffer(), await source.clone().gif().toBuffer()]) {
      const { frames } = await decodeImageBytes(encoded);
      let error = 0;
      for (let i = 0; i < original.data.length; i++) error += Math.abs(frames[0].data[i] - original.data[i]);
      expect(error / original.data.length).toBeLessThan(3);
    }
  });

  it('turns colour into BT.601 luma (alpha ignored)', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer();
    const { frames } = await decodeImageBytes(png);
    expect(new Set(frames[0].data)).toEqual(new Set([76]));
  });

  it('stretches a 16-bit grayscale PNG to the full 8-bit range, as training does', async () => {
    const png16 = await sharp(fixtureBytes(HAND)).toColourspace('grey16').png().toBuffer();
    const { frames } = await decodeImageBytes(png16);
    expect(range(frames[0].data)).toEqual([0, 255]);
  });

  it(`downscales very large images so the long side is ${MAX_DECODED_SIDE} px, keeping the aspect ratio`, async () => {
    const big = await sharp({ create: { width: 6000, height: 1500, channels: 3, background: '#808080' } }).png().toBuffer();
    const { frames } = await decodeImageBytes(big);
    expect([frames[0].width, frames[0].height]).toEqual([MAX_DECODED_SIDE, MAX_DECODED_SIDE / 4]);
  });

  it('takes the first frame of an animated GIF', async () => {
    const frame = (v: number) => sharp({ create: { width: 8, height: 8, channels: 3, background: { r: v, g: v, b: v } } });
    const frames = [await frame(10).raw().toBuffer(), await frame(240).raw().toBuffer()];
    const animated = await sharp(Buffer.concat(frames), { raw: { width: 8, height: 16, channels: 3, pageHeight: 8 } })
      .gif({ loop: 0 })
      .toBuffer();
    const decoded = await decodeImageBytes(animated);
    expect(decoded.frames).toHaveLength(1);
    expect(decoded.frames[0].height).toBe(8);
    expect(range(decoded.frames[0].data)[1]).toBeLessThan(40);
  });

  it('names the problem for empty, non-image and corrupt files', async () => {
    await expect(decodeImageBytes(new Uint8Array(0))).rejects.toThrow('empty file');
    await expect(decodeImageBytes(new TextEncoder().encode('just some text, saved as scan.png\n'))).rejects.toThrow(
      'not an image (unrecognised bytes)',
    );
    const jpeg = fixtureBytes(HAND);
    await expect(decodeImageBytes(jpeg.subarray(0, jpeg.length >> 1))).rejects.toThrow(/^corrupt JPEG: /);
    const png = await sharp(jpeg).png().toBuffer();
    await expect(decodeImageBytes(png.subarray(0, 200))).rejects.toThrow(/^corrupt PNG: /);
  });

  it("words sharp's failures as what is wrong with the file, never libvips' or libpng's own text", async () => {
    const jpeg = fixtureBytes(HAND);
    const png = await sharp(jpeg).png().toBuffer();
    const damaged = new Uint8Array(png);
    damaged.fill(0x55, 200, 260); // inside the image data; the chunk checksum no longer matches
    const cut = decodeImageBytes(png.subarray(0, png.length >> 1));
    await expect(cut).rejects.toThrow(/^corrupt PNG: (the file ends before the image does \(cut short\)|the image data is damaged and cannot be decoded)$/);
    await expect(decodeImageBytes(damaged)).rejects.toThrow(/^corrupt PNG: (the image data is damaged and cannot be decoded|its header is damaged)$/);
    await expect(decodeImageBytes(jpeg.subarray(0, jpeg.length >> 1))).rejects.toThrow(/^corrupt JPEG: the file ends before the image does \(cut short\)$/);
  });

  it('refuses a decompression bomb before decoding it', async () => {
    await expect(decodeImageBytes(await pngClaimingSize(100_000, 100_000))).rejects.toThrow(/^image too large/);
  });
});

const DICOM_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'dicom');

describe('DICOM through the project decoder', () => {
  it('recognises DICOM by content, with or without the Part 10 preamble, and decodes every frame', async () => {
    const file = new Uint8Array(readFileSync(join(DICOM_FIXTURES, 'hand8_multiframe_explicit_le.dcm')));
    const PART10_PREFIX = 132;
    for (const bytes of [file, file.subarray(PART10_PREFIX)]) {
      expect(detectFormat(bytes)).toBe('dicom');
      const { format, frames } = await decodeImageBytes(bytes);
      expect(format).toBe('dicom');
      expect(frames.length).toBeGreaterThan(1);
      for (const frame of frames) expect(frame.data.length).toBe(frame.width * frame.height);
    }
  });

  it('decodes JPEG 2000 at the size the model needs when asked (minSide), and says the size as stored', async () => {
    const bytes = new Uint8Array(readFileSync(join(DICOM_FIXTURES, 'hand8_j2k_lossless.dcm')));
    const full = await decodeImageBytes(bytes);
    expect(full.frames[0]).toMatchObject({ width: 153, height: 192 });
    expect(full.stored).toBeUndefined();
    const forModel = await decodeImageBytes(bytes, { minSide: 64 });
    expect(forModel.frames[0]).toMatchObject({ width: 77, height: 96 }); // one resolution level fewer
    expect(forModel.stored).toEqual({ width: 153, height: 192 });
    expect(forModel.reducedDecodeFailure).toBeUndefined();
    // other syntaxes: every pixel, whatever minSide says
    const rle = await decodeImageBytes(new Uint8Array(readFileSync(join(DICOM_FIXTURES, 'hand8_rle.dcm'))), { minSide: 64 });
    expect(rle.frames[0]).toMatchObject({ width: 153, height: 192 });
    expect(rle.stored).toBeUndefined();
  });

  it('reports a DICOM file without pixels as not an image', async () => {
    const report = new Uint8Array(readFileSync(join(DICOM_FIXTURES, 'report_basic_text_sr.dcm')));
    await expect(decodeImageBytes(report)).rejects.toThrow(/not an image/);
  });
});
